import { Duration, type RemovalPolicy, Stack } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import { NodejsFunction, OutputFormat, SourceMapMode } from 'aws-cdk-lib/aws-lambda-nodejs';
import * as logs from 'aws-cdk-lib/aws-logs';
import { Construct } from 'constructs';
import { BUNDLE_TARGET, ESM_REQUIRE_BANNER, EXTERNAL_MODULES, MAIN_FIELDS } from '../bundling.ts';
import { type FunctionName, type FunctionSize, REPO_ROOT, type Stage, type StageConfig } from '../config.ts';

/** Values every Pantau function shares; built once per service stack. */
export interface FunctionDefaults {
  stage: Stage;
  regency: string;
  logLevel: StageConfig['logLevel'];
  tableName: string;
  logRetentionDays: StageConfig['logRetentionDays'];
  /** Applied to the function's log group. */
  logRemovalPolicy: RemovalPolicy;
}

/** Runtime of every function; `nodejs24.x` is the newest Node runtime aws-cdk-lib 2.276 offers (cdk-nag L1). */
export const PANTAU_RUNTIME = lambda.Runtime.NODEJS_24_X;
export const PANTAU_ARCHITECTURE = lambda.Architecture.ARM_64;

/** Powertools service name and metrics namespace; dashboards and alarms in this app use the same values. */
export const POWERTOOLS_SERVICE_NAME = 'pantau';
export const METRICS_NAMESPACE = 'Pantau';

/**
 * The environment every function gets (the contract in docs/operations.md). `NODE_OPTIONS` turns on
 * source maps so stack traces in logs point at the TypeScript source.
 */
export function defaultEnvironment(defaults: FunctionDefaults): Record<string, string> {
  return {
    STAGE: defaults.stage,
    REGENCY: defaults.regency,
    TABLE_NAME: defaults.tableName,
    LOG_LEVEL: defaults.logLevel,
    POWERTOOLS_SERVICE_NAME,
    POWERTOOLS_METRICS_NAMESPACE: METRICS_NAMESPACE,
    NODE_OPTIONS: '--enable-source-maps',
  };
}

export interface PantauFunctionProps {
  name: FunctionName;
  /** Absolute path of the TypeScript entry exporting `handler`. */
  entry: string;
  description: string;
  size: FunctionSize;
  defaults: FunctionDefaults;
  /** Function-specific variables, merged over {@link defaultEnvironment} (these win). @default {} */
  environment?: Record<string, string>;
}

/**
 * A Lambda function with Pantau's defaults: arm64, {@link PANTAU_RUNTIME}, ESM bundle built by the local
 * esbuild (never Docker), an explicit log group with retention, and its own role with no managed policy —
 * it may only write its own log group until a grant says otherwise.
 */
export class PantauFunction extends Construct {
  readonly function: NodejsFunction;
  readonly role: iam.Role;
  readonly logGroup: logs.LogGroup;
  readonly timeout: Duration;

  constructor(scope: Construct, id: string, props: PantauFunctionProps) {
    super(scope, id);
    const functionName = `pantau-${props.defaults.stage}-${props.name}`;
    this.timeout = Duration.seconds(props.size.timeoutSeconds);

    this.logGroup = new logs.LogGroup(this, 'Logs', {
      logGroupName: `/aws/lambda/${functionName}`,
      retention: props.defaults.logRetentionDays as logs.RetentionDays,
      removalPolicy: props.defaults.logRemovalPolicy,
    });
    this.role = new iam.Role(this, 'Role', {
      assumedBy: new iam.ServicePrincipal('lambda.amazonaws.com'),
      description: `Execution role of ${functionName}`,
    });
    this.role.addToPolicy(
      new iam.PolicyStatement({
        actions: ['logs:CreateLogStream', 'logs:PutLogEvents'],
        resources: [this.logGroup.logGroupArn],
      }),
    );

    this.function = new NodejsFunction(this, 'Function', {
      functionName,
      description: props.description,
      entry: props.entry,
      handler: 'handler',
      runtime: PANTAU_RUNTIME,
      architecture: PANTAU_ARCHITECTURE,
      memorySize: props.size.memoryMb,
      timeout: this.timeout,
      role: this.role,
      logGroup: this.logGroup,
      environment: { ...defaultEnvironment(props.defaults), ...props.environment },
      projectRoot: REPO_ROOT,
      depsLockFilePath: `${REPO_ROOT}/package-lock.json`,
      bundling: {
        format: OutputFormat.ESM,
        target: BUNDLE_TARGET,
        minify: true,
        sourceMap: true,
        sourceMapMode: SourceMapMode.DEFAULT,
        sourcesContent: false,
        mainFields: MAIN_FIELDS,
        banner: ESM_REQUIRE_BANNER,
        externalModules: EXTERNAL_MODULES,
        forceDockerBundling: false,
        // When this stack is not bundled (tests, or `cdk deploy` of another stack) CDK would otherwise hash
        // the whole project root, node_modules included, once per function.
        ...(Stack.of(this).bundlingRequired ? {} : { assetHash: `unbundled-${functionName}` }),
      },
    });
  }
}
