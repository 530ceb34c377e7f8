/** AWS entry of the collect Lambda: wiring only. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { SecretsProvider } from '@aws-lambda-powertools/parameters/secrets';
import { dynamoClient, sqsClient } from '#shared/adapters/aws/clients.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { createSecretsCredentialProvider } from '#shared/adapters/aws/secrets-credentials.ts';
import { SqsMentionQueue } from '#shared/adapters/aws/sqs-queue.ts';
import { createSource } from '#shared/adapters/sources/factory.ts';
import { createKeywordMatcher } from '#shared/domain/keywords.ts';
import { CollectEnvSchema, parseEnv } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { bundledRegencyConfig } from '#shared/regency.ts';
import { createHandler } from './app.ts';

const env = parseEnv(CollectEnvSchema);
const config = bundledRegencyConfig(env.REGENCY);
const log = createLogger();
const credentials = env.SOURCE_TOKENS_SECRET_ARN
  ? createSecretsCredentialProvider({
      secretId: env.SOURCE_TOKENS_SECRET_ARN,
      provider: new SecretsProvider(),
    })
  : undefined;

export const handler = createHandler({
  // Replay files exist only on a developer's disk; on AWS only network sources run.
  sources: config.sources
    .filter((s) => s.enabled && s.kind !== 'replay')
    .map((s) =>
      createSource(s, {
        timeZone: config.timeZone,
        ...(credentials ? { credentials } : {}),
        onRetry: (e) => log.warn('Retrying source request', { ...e }),
      }),
    ),
  matcher: createKeywordMatcher(config.keywords),
  store: new DynamoStore({ client: dynamoClient(env.DYNAMODB_ENDPOINT), tableName: env.TABLE_NAME }),
  queue: new SqsMentionQueue({ client: sqsClient(), queueUrl: env.QUEUE_URL }),
  clock: systemClock,
  timeZone: config.timeZone,
  log,
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau' })),
});
