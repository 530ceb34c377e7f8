/** AWS entry of the detect Lambda: wiring only. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { dynamoClient, snsClient } from '#shared/adapters/aws/clients.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { SnsAlertPublisher } from '#shared/adapters/aws/sns-publishers.ts';
import { buildNarratives } from '#shared/domain/narratives/index.ts';
import { DetectEnvSchema, parseEnv } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { bundledRegencyConfig } from '#shared/regency.ts';
import { createHandler } from './app.ts';

const env = parseEnv(DetectEnvSchema);
const config = bundledRegencyConfig(env.REGENCY);

export const handler = createHandler({
  config,
  // Alerts quote example posts: they expire with the raw-text retention, as mentions do.
  store: new DynamoStore({
    client: dynamoClient(env.DYNAMODB_ENDPOINT),
    tableName: env.TABLE_NAME,
    retentionDays: config.retention.rawTextDays,
  }),
  publisher: new SnsAlertPublisher(snsClient(), env.ALERT_TOPIC_ARN),
  buildNarratives,
  clock: systemClock,
  log: createLogger(),
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau' })),
});
