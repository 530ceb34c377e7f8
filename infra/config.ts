/**
 * Per-stage deployment configuration. Stages are a closed union (`dev` | `prod`); each has typed defaults
 * that CDK context (`-c key=value`) may override for the values that differ per account. The result is
 * zod-parsed once in the composition root, so a bad value fails `cdk synth` before anything is built.
 */
import { readFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { z } from 'zod';
import { parseRegencyConfig, type RegencyConfig } from '#shared/domain/config.ts';

/** Repository root (the folder holding `package.json`), resolved from this file so any cwd works. */
export const REPO_ROOT = join(dirname(fileURLToPath(import.meta.url)), '..');

export const STAGES = ['dev', 'prod'] as const;
export const StageSchema = z.enum(STAGES);
export type Stage = z.infer<typeof StageSchema>;

/**
 * Account id used when neither context `account` nor `CDK_DEFAULT_ACCOUNT` is set, so `cdk synth` works
 * offline. Deploying with it fails early (credentials never match it), which is the point.
 */
export const PLACEHOLDER_ACCOUNT = '000000000000';

/** Log retention values CloudWatch Logs accepts, in days. */
const RETENTION_DAYS = [
  1, 3, 5, 7, 14, 30, 60, 90, 120, 150, 180, 365, 400, 545, 731, 1096, 1827, 3653,
] as const;

/** Settings of one Lambda function: memory in MB, timeout in seconds. */
const FunctionSizeSchema = z.object({
  memoryMb: z.number().int().min(128).max(10_240),
  timeoutSeconds: z.number().int().min(1).max(900),
});
export type FunctionSize = z.infer<typeof FunctionSizeSchema>;

export const FUNCTION_NAMES = [
  'collect',
  'classify',
  'detect',
  'digest',
  'notify',
  'api',
  'authorizer',
] as const;
export type FunctionName = (typeof FUNCTION_NAMES)[number];

export const StageConfigSchema = z.object({
  stage: StageSchema,
  /** 12-digit AWS account id. */
  account: z.string().regex(/^\d{12}$/, 'a 12-digit AWS account id'),
  /** Region of every stack; Jakarta by default for data residency (see docs/deploy.md). */
  region: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/, 'an AWS region such as ap-southeast-3'),
  /** Region Comprehend is called in; it is not offered in ap-southeast-3. */
  comprehendRegion: z.string().regex(/^[a-z]{2}(-[a-z]+)+-\d$/),
  /**
   * `off` keeps every mention in-region: the embedded model scores all of them and the classify role gets no
   * Comprehend permission (env `COMPREHEND_MODE`, read by the classify function).
   */
  comprehend: z.enum(['on', 'off']),
  /** Regency config id: `config/<regency>.json`. */
  regency: z.string().regex(/^[a-z0-9-]{2,40}$/),
  logLevel: z.enum(['DEBUG', 'INFO', 'WARN', 'ERROR']),
  /** Lambda and API access log retention, days. */
  logRetentionDays: z.union(RETENTION_DAYS.map((d) => z.literal(d))),
  /** Keep the table, secrets and topics on stack deletion, with DynamoDB deletion protection on. */
  retainData: z.boolean(),
  /** E-mail addresses subscribed to the ops (alarm) topic; each must confirm the subscription. */
  alarmEmails: z.array(z.email()),
  api: z.object({
    /** Steady-state request rate limit of the `$default` stage, requests per second. */
    throttleRateLimit: z.number().positive(),
    /** Burst limit of the `$default` stage, requests. */
    throttleBurstLimit: z.number().int().positive(),
  }),
  dashboard: z.object({
    /** Deploy the S3 + CloudFront dashboard (only if `dashboard/` exists). */
    enabled: z.boolean(),
    /**
     * Browser origin allowed by CORS, e.g. `https://pantau.majalengkakab.go.id`. Default: the CloudFront
     * domain when the dashboard is deployed, otherwise no CORS at all.
     */
    origin: z.url().optional(),
  }),
  classify: z.object({
    /** Messages per Lambda invocation; 25 = one Comprehend batch call. */
    batchSize: z.number().int().min(1).max(25),
    /** Seconds the event source waits to fill a batch. */
    batchingWindowSeconds: z.number().int().min(0).max(300),
    /** Concurrent classify invocations the event source may run (caps Comprehend call rate), 2–1000. */
    maxConcurrency: z.number().int().min(2).max(1000),
    /** Receives before a message moves to the DLQ; ≥ 5 so throttled deliveries are not lost. */
    maxReceiveCount: z.number().int().min(5).max(1000),
  }),
  /** Hours without a single collected mention before the "pipeline silent" alarm fires (1–24). */
  noMentionsAlarmHours: z.number().int().min(1).max(24),
  /** Consecutive failed runs of one source before its alarm fires. */
  sourceFailureRuns: z.number().int().min(1).max(24),
  functions: z.record(z.enum(FUNCTION_NAMES), FunctionSizeSchema),
});
export type StageConfig = z.infer<typeof StageConfigSchema>;
type StageConfigInput = z.input<typeof StageConfigSchema>;

const FUNCTIONS: Record<FunctionName, FunctionSize> = {
  collect: { memoryMb: 512, timeoutSeconds: 120 },
  classify: { memoryMb: 1024, timeoutSeconds: 60 },
  detect: { memoryMb: 512, timeoutSeconds: 120 },
  digest: { memoryMb: 512, timeoutSeconds: 300 },
  notify: { memoryMb: 256, timeoutSeconds: 30 },
  api: { memoryMb: 512, timeoutSeconds: 10 },
  authorizer: { memoryMb: 256, timeoutSeconds: 5 },
};

/** Defaults per stage; context overrides apply on top (see {@link loadStageConfig}). */
export const STAGE_DEFAULTS: Record<Stage, Omit<StageConfigInput, 'account'>> = {
  dev: {
    stage: 'dev',
    region: 'ap-southeast-3',
    comprehendRegion: 'ap-southeast-1',
    comprehend: 'on',
    regency: 'majalengka',
    logLevel: 'DEBUG',
    logRetentionDays: 14,
    retainData: false,
    alarmEmails: [],
    api: { throttleRateLimit: 10, throttleBurstLimit: 20 },
    dashboard: { enabled: false },
    classify: { batchSize: 25, batchingWindowSeconds: 10, maxConcurrency: 2, maxReceiveCount: 5 },
    noMentionsAlarmHours: 12,
    sourceFailureRuns: 4,
    functions: FUNCTIONS,
  },
  prod: {
    stage: 'prod',
    region: 'ap-southeast-3',
    comprehendRegion: 'ap-southeast-1',
    comprehend: 'on',
    regency: 'majalengka',
    logLevel: 'INFO',
    logRetentionDays: 90,
    retainData: true,
    alarmEmails: [],
    api: { throttleRateLimit: 50, throttleBurstLimit: 100 },
    dashboard: { enabled: true },
    classify: { batchSize: 25, batchingWindowSeconds: 20, maxConcurrency: 5, maxReceiveCount: 8 },
    noMentionsAlarmHours: 6,
    sourceFailureRuns: 3,
    functions: FUNCTIONS,
  },
};

/** A stage configuration that does not parse; `issues` name each bad field by its dotted path. */
export class InfraConfigError extends Error {
  override readonly name = 'InfraConfigError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; message: string }[] = [],
    options?: { cause?: unknown },
  ) {
    super(
      issues.length === 0
        ? message
        : `${message}: ${issues.map((i) => `${i.path}: ${i.message}`).join('; ')}`,
      options,
    );
  }
}

/** Context values read by {@link loadStageConfig}; all optional, all strings when given with `-c`. */
export interface StageContext {
  /** `dev` | `prod`; default `dev` (from cdk.json). */
  stage?: unknown;
  account?: unknown;
  region?: unknown;
  comprehendRegion?: unknown;
  /** `on` | `off`. */
  comprehend?: unknown;
  regency?: unknown;
  /** Comma-separated e-mail addresses for the ops topic. */
  alarmEmails?: unknown;
  /** `true` | `false`. */
  dashboard?: unknown;
  dashboardOrigin?: unknown;
  logLevel?: unknown;
}

/**
 * Resolve the stage config: stage defaults, then CDK context overrides, then zod validation.
 * Account: context `account`, else `env.CDK_DEFAULT_ACCOUNT` (set by the CDK CLI when credentials exist),
 * else {@link PLACEHOLDER_ACCOUNT}. Region: context `region`, else the stage default (never the CLI's
 * default region, so a Jakarta deployment cannot silently land elsewhere).
 * @param context values from `app.node.tryGetContext(...)` (strings from `-c`, or JSON from cdk.json).
 * @param env process environment, injectable for tests.
 * @throws {InfraConfigError} on an unknown stage or any invalid field.
 */
export function loadStageConfig(context: StageContext, env: NodeJS.ProcessEnv = process.env): StageConfig {
  const stage = StageSchema.safeParse(context.stage ?? 'dev');
  if (!stage.success) {
    throw new InfraConfigError(
      `Unknown stage '${String(context.stage)}'; expected one of ${STAGES.join(', ')}`,
    );
  }
  const base = STAGE_DEFAULTS[stage.data];
  const input: StageConfigInput = {
    ...base,
    account: str(context.account) ?? env.CDK_DEFAULT_ACCOUNT ?? PLACEHOLDER_ACCOUNT,
    region: str(context.region) ?? base.region,
    comprehendRegion: str(context.comprehendRegion) ?? base.comprehendRegion,
    comprehend: (str(context.comprehend) ?? base.comprehend) as StageConfigInput['comprehend'],
    regency: str(context.regency) ?? base.regency,
    logLevel: (str(context.logLevel) ?? base.logLevel) as StageConfigInput['logLevel'],
    alarmEmails: list(context.alarmEmails) ?? base.alarmEmails,
    dashboard: {
      enabled: bool(context.dashboard) ?? base.dashboard.enabled,
      ...withOptional('origin', str(context.dashboardOrigin) ?? base.dashboard.origin),
    },
  };
  const result = StageConfigSchema.safeParse(input);
  if (!result.success) {
    throw new InfraConfigError(
      `Invalid stage config '${stage.data}'`,
      result.error.issues.map((i) => ({ path: i.path.join('.'), message: i.message })),
      { cause: result.error },
    );
  }
  return result.data;
}

/**
 * Read and parse `config/<regency>.json`, the same file the handlers bundle.
 * @throws {InfraConfigError} when the file is missing or unreadable; {@link parseRegencyConfig}'s
 * `ConfigError` when it does not validate.
 */
export function loadRegencyConfig(regency: string, root: string = REPO_ROOT): RegencyConfig {
  const file = join(root, 'config', `${regency}.json`);
  let raw: unknown;
  try {
    // A leading byte-order mark (Windows Notepad) is not JSON; the CLI's loader drops it too.
    raw = JSON.parse(readFileSync(file, 'utf8').replace(/^\uFEFF/, ''));
  } catch (cause) {
    throw new InfraConfigError(`Cannot read regency config ${file}`, [], { cause });
  }
  return parseRegencyConfig(raw, file);
}

function str(value: unknown): string | undefined {
  return typeof value === 'string' && value.trim() !== '' ? value.trim() : undefined;
}

function list(value: unknown): string[] | undefined {
  if (Array.isArray(value)) return value.map(String);
  const s = str(value);
  return s === undefined
    ? undefined
    : s
        .split(',')
        .map((v) => v.trim())
        .filter((v) => v !== '');
}

function bool(value: unknown): boolean | undefined {
  if (typeof value === 'boolean') return value;
  const s = str(value)?.toLowerCase();
  if (s === 'true') return true;
  if (s === 'false') return false;
  if (s === undefined) return undefined;
  throw new InfraConfigError(`Context 'dashboard' must be true or false, got '${s}'`);
}

function withOptional<K extends string, V>(key: K, value: V | undefined): { [P in K]?: V } {
  return (value === undefined ? {} : { [key]: value }) as { [P in K]?: V };
}
