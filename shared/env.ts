/**
 * Environment of the Lambda functions, parsed once at cold start with zod; a missing or malformed
 * variable fails the cold start with a message naming it. Stages are a closed union.
 */
import { z } from 'zod';

export const StageSchema = z.enum(['local', 'test', 'dev', 'prod']);
export type Stage = z.infer<typeof StageSchema>;

const BaseEnvSchema = z.object({
  STAGE: StageSchema,
  TABLE_NAME: z.string().min(3),
  REGENCY: z.string().default('majalengka'),
  /** Optional endpoint override (dynalite, LocalStack). */
  DYNAMODB_ENDPOINT: z.url().optional(),
});

export const CollectEnvSchema = BaseEnvSchema.extend({
  QUEUE_URL: z.url(),
  /** The `source-tokens` secret (JSON keyed by credential-set name); without it credentialed sources are skipped. */
  SOURCE_TOKENS_SECRET_ARN: z.string().startsWith('arn:').optional(),
});
export const ClassifyEnvSchema = BaseEnvSchema.extend({
  /** Comprehend is not offered in ap-southeast-3 (Jakarta); ap-southeast-1 is the nearest region. */
  COMPREHEND_REGION: z.string().default('ap-southeast-1'),
  /** `off` disables Comprehend (everything goes to the embedded model). */
  COMPREHEND_MODE: z.enum(['on', 'off']).default('on'),
});
export const DetectEnvSchema = BaseEnvSchema.extend({ ALERT_TOPIC_ARN: z.string().startsWith('arn:') });
/** Secret (JSON, `NotifySettingsSchema`): Telegram bot token + chat ids, webhook URLs and signing secrets. */
export const NotifyEnvSchema = BaseEnvSchema.extend({ NOTIFY_SECRET_ARN: z.string().startsWith('arn:') });
export const DigestEnvSchema = BaseEnvSchema.extend({ DIGEST_TOPIC_ARN: z.string().startsWith('arn:') });

/** Parse `process.env` (or `source`) with `schema`. @throws {Error} naming every bad variable. */
export function parseEnv<T extends z.ZodType>(
  schema: T,
  source: Record<string, string | undefined> = process.env,
): z.infer<T> {
  const result = schema.safeParse(source);
  if (!result.success) {
    const detail = result.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; ');
    throw new Error(`Invalid environment: ${detail}`, { cause: result.error });
  }
  return result.data;
}
