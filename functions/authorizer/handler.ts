/** AWS entry of the API authoriser: wiring only. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { z } from 'zod';
import { DynamoApiKeyStore } from '#shared/adapters/aws/api-keys.ts';
import { dynamoClient } from '#shared/adapters/aws/clients.ts';
import { parseEnv, StageSchema } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { createHandler } from './app.ts';

const env = parseEnv(
  z.object({
    STAGE: StageSchema,
    TABLE_NAME: z.string().min(3),
    DYNAMODB_ENDPOINT: z.url().optional(),
  }),
);

export const handler = createHandler({
  keys: new DynamoApiKeyStore({ client: dynamoClient(env.DYNAMODB_ENDPOINT), tableName: env.TABLE_NAME }),
  log: createLogger({ serviceName: 'pantau-authorizer' }),
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau-authorizer' })),
});
