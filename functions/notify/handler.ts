/** AWS entry of the notify Lambda: wiring only. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { getSecret } from '@aws-lambda-powertools/parameters/secrets';
import { dynamoClient } from '#shared/adapters/aws/clients.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { NotifyEnvSchema, parseEnv } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { createHandler } from './app.ts';
import { NotifySettingsSchema } from './notify.ts';

const env = parseEnv(NotifyEnvSchema);

export const handler = createHandler({
  // Cached for 5 minutes by Powertools Parameters, so a rotated token is picked up without a deploy.
  settings: async () =>
    NotifySettingsSchema.parse(await getSecret(env.NOTIFY_SECRET_ARN, { transform: 'json', maxAge: 300 })),
  ledger: new DynamoStore({ client: dynamoClient(env.DYNAMODB_ENDPOINT), tableName: env.TABLE_NAME }),
  fetch: globalThis.fetch,
  log: createLogger(),
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau' })),
  now: Date.now,
});
