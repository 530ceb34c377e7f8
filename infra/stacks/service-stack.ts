import { join } from 'node:path';
import { CfnOutput, Duration, RemovalPolicy, Stack, type StackProps, Validations } from 'aws-cdk-lib';
import { SqsDestination } from 'aws-cdk-lib/aws-lambda-destinations';
import * as subscriptions from 'aws-cdk-lib/aws-sns-subscriptions';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import type { Construct } from 'constructs';
import type { RegencyConfig } from '#shared/domain/config.ts';
import { handlerEntry } from '../bundling.ts';
import { type FunctionName, REPO_ROOT, type StageConfig } from '../config.ts';
import { DashboardSite } from '../constructs/dashboard-site.ts';
import { MAX_RETENTION, QUEUE_SECURITY } from '../constructs/durable-queue.ts';
import { grantComprehend, grantPublish, grantTable } from '../constructs/grants.ts';
import { PantauHttpApi } from '../constructs/http-api.ts';
import { Operations } from '../constructs/operations.ts';
import { type FunctionDefaults, PantauFunction } from '../constructs/pantau-function.ts';
import { QueueConsumer } from '../constructs/queue-consumer.ts';
import { PantauSchedules } from '../constructs/schedules.ts';
import type { PantauData } from './data-stack.ts';

export interface ServiceStackProps extends StackProps {
  config: StageConfig;
  regency: RegencyConfig;
  data: PantauData;
  /** Entry file per function. @default `functions/<name>/handler.ts` under the repo root */
  entry?: (name: FunctionName) => string;
  /** Static dashboard folder. @default `<repo>/dashboard` */
  dashboardDir?: string;
}

/** Retries Lambda makes of a failed asynchronous notify invocation before dead-lettering the event. */
export const NOTIFY_RETRY_ATTEMPTS = 2;

/**
 * The stateless half of Pantau: the seven functions with their grants, schedules, queue consumer, the HTTP
 * API, the optional dashboard site, alarms and the CloudWatch dashboard. Safe to destroy and redeploy.
 */
export class ServiceStack extends Stack {
  readonly functions: Readonly<Record<FunctionName, PantauFunction>>;
  readonly api: PantauHttpApi;
  readonly schedules: PantauSchedules;
  readonly operations: Operations;
  readonly dashboardSite: DashboardSite | undefined;

  constructor(scope: Construct, id: string, props: ServiceStackProps) {
    super(scope, id, props);
    const { config, regency, data } = props;
    const entry = props.entry ?? ((name: FunctionName) => handlerEntry(name));
    const ephemeral = RemovalPolicy.DESTROY;
    const defaults: FunctionDefaults = {
      stage: config.stage,
      regency: config.regency,
      logLevel: config.logLevel,
      tableName: data.table.table.tableName,
      logRetentionDays: config.logRetentionDays,
      logRemovalPolicy: ephemeral,
    };
    const make = (name: FunctionName, description: string, environment: Record<string, string> = {}) =>
      new PantauFunction(this, `${name[0]?.toUpperCase()}${name.slice(1)}`, {
        name,
        entry: entry(name),
        description,
        size: config.functions[name],
        defaults,
        environment,
      });

    const collect = make('collect', 'Polls mention sources and queues new mentions', {
      QUEUE_URL: data.mentions.queue.queueUrl,
      SOURCE_TOKENS_SECRET_ARN: data.secrets.sourceTokens.secretArn,
    });
    grantTable(collect.role, data.table, 'readWrite');
    data.mentions.queue.grantSendMessages(collect.role);
    data.secrets.sourceTokens.grantRead(collect.role);

    const classify = make('classify', 'Scores queued mentions and stores them', {
      COMPREHEND_REGION: config.comprehendRegion,
      COMPREHEND_MODE: config.comprehend,
    });
    grantTable(classify.role, data.table, 'readWrite');
    if (config.comprehend === 'on') grantComprehend(classify.role, classify.role);
    new QueueConsumer(this, 'ClassifyConsumer', {
      queue: data.mentions,
      function: classify.function,
      timeout: classify.timeout,
      batchSize: config.classify.batchSize,
      batchingWindowSeconds: config.classify.batchingWindowSeconds,
      maxConcurrency: config.classify.maxConcurrency,
    });

    const detect = make('detect', 'Detects negative-sentiment spikes and raises alerts', {
      ALERT_TOPIC_ARN: data.topics.alerts.topicArn,
    });
    grantTable(detect.role, data.table, 'readWrite');
    grantPublish(detect.role, data.topics.alerts, data.topics.key);

    const digest = make('digest', 'Builds and sends the daily digest', {
      DIGEST_TOPIC_ARN: data.topics.digest.topicArn,
    });
    grantTable(digest.role, data.table, 'readWrite');
    grantPublish(digest.role, data.topics.digest, data.topics.key);

    const notifyDlq = new sqs.Queue(this, 'NotifyDeadLetterQueue', {
      ...QUEUE_SECURITY,
      retentionPeriod: MAX_RETENTION,
      removalPolicy: ephemeral,
    });
    Validations.of(notifyDlq).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the notify function and its SNS subscription.',
    });
    const notify = make('notify', 'Delivers alerts to Telegram and webhooks', {
      NOTIFY_SECRET_ARN: data.secrets.notify.secretArn,
    });
    // The table holds notify's delivery ledger: one record per (alert, channel), so a retry never re-sends.
    grantTable(notify.role, data.table, 'readWrite');
    data.secrets.notify.grantRead(notify.role);
    notify.function.configureAsyncInvoke({
      retryAttempts: NOTIFY_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(6),
      onFailure: new SqsDestination(notifyDlq),
    });
    data.topics.alerts.addSubscription(
      new subscriptions.LambdaSubscription(notify.function, { deadLetterQueue: notifyDlq }),
    );

    const authorizer = make('authorizer', 'Checks API keys (hashed in the table) for the HTTP API');
    grantTable(authorizer.role, data.table, 'read');

    const dashboardSite = config.dashboard.enabled
      ? new DashboardSite(this, 'DashboardSite', {
          sourceDir: props.dashboardDir ?? join(REPO_ROOT, 'dashboard'),
          retain: config.retainData,
        })
      : undefined;
    const corsOrigin = config.dashboard.origin ?? dashboardSite?.origin;
    const api = make('api', 'Serves the Pantau HTTP API', {
      CURSOR_SECRET_ARN: data.secrets.cursorKey.secretArn,
      // The contract names DASHBOARD_ORIGIN; functions/api reads CORS_ORIGINS (comma-separated).
      DASHBOARD_ORIGIN: corsOrigin ?? '',
      CORS_ORIGINS: corsOrigin ?? '',
    });
    grantTable(api.role, data.table, 'readWrite');
    data.secrets.cursorKey.grantRead(api.role);
    this.api = new PantauHttpApi(this, 'HttpApi', {
      stage: config.stage,
      handler: api.function,
      authorizer: authorizer.function,
      settings: config.api,
      corsOrigin,
      logRetentionDays: config.logRetentionDays,
      logRemovalPolicy: ephemeral,
    });
    // For the OpenAPI document's `servers` entry. No cycle: the URL comes from the Api resource, which does
    // not depend on the function (its routes and integration do).
    api.function.addEnvironment('PUBLIC_URL', this.api.url);
    dashboardSite?.deployConfig({ apiBaseUrl: this.api.url, stage: config.stage, regency: config.regency });
    this.dashboardSite = dashboardSite;

    this.schedules = new PantauSchedules(this, 'Schedules', {
      regency,
      collect: collect.function,
      detect: detect.function,
      digest: digest.function,
      removalPolicy: ephemeral,
    });

    this.functions = { collect, classify, detect, digest, notify, api, authorizer };
    this.operations = new Operations(this, 'Operations', {
      stage: config.stage,
      regency,
      opsTopic: data.topics.ops,
      functions: Object.fromEntries(Object.entries(this.functions).map(([n, f]) => [n, f.function])),
      mentionsQueue: data.mentions.queue,
      deadLetterQueues: [
        { label: 'mentions', queue: data.mentions.deadLetterQueue },
        { label: 'notify', queue: notifyDlq },
        { label: 'scheduler', queue: this.schedules.deadLetterQueue },
      ],
      api: this.api.api,
      noMentionsAlarmHours: config.noMentionsAlarmHours,
      sourceFailureRuns: config.sourceFailureRuns,
    });

    new CfnOutput(this, 'ApiUrl', { value: this.api.url });
    new CfnOutput(this, 'NotifyDeadLetterQueueUrl', {
      value: notifyDlq.queueUrl,
      description: 'Alerts notify could not deliver (async failure records and SNS subscription failures)',
    });
    new CfnOutput(this, 'SchedulerDeadLetterQueueUrl', {
      value: this.schedules.deadLetterQueue.queueUrl,
      description: 'Scheduled runs EventBridge Scheduler could not invoke',
    });
    if (dashboardSite) new CfnOutput(this, 'DashboardUrl', { value: dashboardSite.origin });
  }
}
