/** AWS entry of the API Lambda: wiring only. */

import { Metrics } from '@aws-lambda-powertools/metrics';
import { GetSecretValueCommand, SecretsManagerClient } from '@aws-sdk/client-secrets-manager';
import { z } from 'zod';
import { dynamoClient } from '#shared/adapters/aws/clients.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { parseEnv, StageSchema } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { bundledRegencyConfig } from '#shared/regency.ts';
import { createHandler } from './app.ts';

export const ApiEnvSchema = z.object({
  STAGE: StageSchema,
  TABLE_NAME: z.string().min(3),
  REGENCY: z.string().default('majalengka'),
  DYNAMODB_ENDPOINT: z.url().optional(),
  /** Secrets Manager secret holding the cursor HMAC key (≥ 32 bytes of text, e.g. 64 hex characters). */
  CURSOR_SECRET_ARN: z.string().startsWith('arn:'),
  /** Dashboard origins allowed by CORS, comma-separated (e.g. `https://pantau.example.go.id`). */
  CORS_ORIGINS: z
    .string()
    .default('')
    .transform((v) =>
      v
        .split(',')
        .map((s) => s.trim())
        .filter(Boolean),
    ),
  /** Public base URL for the OpenAPI `servers` entry. */
  PUBLIC_URL: z.url().optional(),
});

const env = parseEnv(ApiEnvSchema);
const log = createLogger({ serviceName: 'pantau-api' });

// Read once per container; a rotation reaches new containers (cursors signed with the old key are then
// refused, and clients start from page one: acceptable for 15-minute cursors).
const secret = await new SecretsManagerClient({}).send(
  new GetSecretValueCommand({ SecretId: env.CURSOR_SECRET_ARN }),
);
const cursorKey = Buffer.from(secret.SecretString ?? '', 'utf8');
if (cursorKey.length < 32) throw new Error('cursor secret must hold at least 32 bytes');

export const handler = createHandler({
  store: new DynamoStore({ client: dynamoClient(env.DYNAMODB_ENDPOINT), tableName: env.TABLE_NAME }),
  config: bundledRegencyConfig(env.REGENCY),
  cursorKey,
  clock: systemClock,
  log,
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau-api' })),
  cors: { allowedOrigins: env.CORS_ORIGINS },
  ...(env.PUBLIC_URL ? { publicUrl: env.PUBLIC_URL } : {}),
});
