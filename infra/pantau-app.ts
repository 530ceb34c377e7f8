import { App, type AppProps, Tags, Validations } from 'aws-cdk-lib';
import { AwsSolutionsChecks } from 'cdk-nag';
import type { RegencyConfig } from '#shared/domain/config.ts';
import {
  type FunctionName,
  loadRegencyConfig,
  loadStageConfig,
  type StageConfig,
  type StageContext,
} from './config.ts';
import { DataStack } from './stacks/data-stack.ts';
import { ServiceStack } from './stacks/service-stack.ts';

export interface PantauAppOptions {
  /** Passed to `new App(...)`, e.g. `{ context: { 'aws:cdk:bundling-stacks': [] } }` in tests. */
  appProps?: AppProps;
  /** Process environment for account defaults. @default process.env */
  env?: NodeJS.ProcessEnv;
  /** Entry file per function. @default `functions/<name>/handler.ts` */
  entry?: (name: FunctionName) => string;
  /** Static dashboard folder. @default `<repo>/dashboard` */
  dashboardDir?: string;
  /** Regency config; @default `config/<stage config regency>.json` */
  regency?: RegencyConfig;
}

export interface PantauApp {
  app: App;
  config: StageConfig;
  regency: RegencyConfig;
  data: DataStack;
  service: ServiceStack;
}

/**
 * Composition root: resolve the stage config from CDK context, build the data and service stacks
 * (`Pantau-<stage>-Data`, `Pantau-<stage>-Service`), tag everything and register cdk-nag's AWS Solutions
 * pack, so every `app.synth()` fails on an unacknowledged finding.
 * @throws {InfraConfigError} on an invalid stage config; `ConfigError` on an invalid regency config.
 */
export function createPantauApp(options: PantauAppOptions = {}): PantauApp {
  const app = new App({
    ...options.appProps,
    context: {
      // Exports (strong references) protect the data stack's outputs while the service stack uses them.
      '@aws-cdk/core:defaultCrossStackReferences': 'strong',
      ...options.appProps?.context,
    },
  });
  const context: StageContext = {};
  for (const key of [
    'stage',
    'account',
    'region',
    'comprehendRegion',
    'comprehend',
    'regency',
    'alarmEmails',
    'dashboard',
    'dashboardOrigin',
    'logLevel',
  ] as const) {
    context[key] = app.node.tryGetContext(key);
  }
  const config = loadStageConfig(context, options.env ?? process.env);
  const regency = options.regency ?? loadRegencyConfig(config.regency);
  const env = { account: config.account, region: config.region };
  const prefix = `Pantau-${config.stage}`;

  const data = new DataStack(app, `${prefix}-Data`, {
    env,
    config,
    regency,
    description: `Pantau ${config.stage} (${regency.name}): table, queues, topics, secrets`,
    terminationProtection: config.retainData,
  });
  const service = new ServiceStack(app, `${prefix}-Service`, {
    env,
    config,
    regency,
    data: data.data,
    description: `Pantau ${config.stage} (${regency.name}): functions, schedules, API, alarms`,
    ...(options.entry ? { entry: options.entry } : {}),
    ...(options.dashboardDir ? { dashboardDir: options.dashboardDir } : {}),
  });
  service.addStackDependency(data);

  Tags.of(app).add('project', 'pantau');
  Tags.of(app).add('stage', config.stage);
  Tags.of(app).add('regency', config.regency);
  Validations.of(app).addPlugins(new AwsSolutionsChecks(app));
  return { app, config, regency, data, service };
}
