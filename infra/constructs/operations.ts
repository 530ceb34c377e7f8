import { Duration } from 'aws-cdk-lib';
import type * as apigw from 'aws-cdk-lib/aws-apigatewayv2';
import * as cloudwatch from 'aws-cdk-lib/aws-cloudwatch';
import * as actions from 'aws-cdk-lib/aws-cloudwatch-actions';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import type * as sns from 'aws-cdk-lib/aws-sns';
import type * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RegencyConfig } from '#shared/domain/config.ts';
import type { StageConfig } from '../config.ts';
import { DETECT_EVERY_MINUTES } from '../schedule-expressions.ts';
import { METRICS_NAMESPACE, POWERTOOLS_SERVICE_NAME } from './pantau-function.ts';

/**
 * Metric names the handlers emit (namespace `Pantau`, Powertools Metrics, which adds the default dimension
 * `service=pantau` to every metric; the extra dimension, if any, is noted). Mirrors `MetricName` in
 * `shared/observability.ts`; documented in docs/operations.md.
 */
export const PANTAU_METRICS = {
  /** collect, per `source`: items fetched. */
  mentionsFetched: 'MentionsFetched',
  /** collect, per `source`: items not seen before, handed to the queue. */
  mentionsNew: 'MentionsNew',
  /** collect, per `source`: items already seen. */
  mentionsDuplicate: 'MentionsDuplicate',
  /** collect, per `source`: items dropped as invalid. */
  mentionsRejected: 'MentionsRejected',
  /** collect, per `source`: failed source runs. */
  sourceFailures: 'SourceFailures',
  /** classify, per `scorer`: mentions scored. */
  mentionsClassified: 'MentionsClassified',
  /** classify: mentions stored for the first time (the end of the pipeline for a new mention). */
  mentionsStored: 'MentionsStored',
  /** classify: Comprehend billing units (100 characters, minimum 3 per document). */
  comprehendUnits: 'ComprehendUnits',
  /** classify: poison messages moved to the rejected queue. */
  messagesRejected: 'MessagesRejected',
  /** detect: alerts raised. */
  alertsRaised: 'AlertsRaised',
  /** detect: alerts held back because too few distinct authors posted them (`minDistinctAuthors`). */
  alertsSuppressed: 'AlertsSuppressed',
  /** detect: detector states the store refused; their series re-step the same hours every run. */
  detectorStateUnsaved: 'DetectorStateUnsaved',
  /** detect: hours a detector too far behind skipped unchecked (the 28-day catch-up cap). */
  detectorHoursSkipped: 'DetectorHoursSkipped',
  /**
   * detect (no extra dimension): alerts published to the SNS alerts topic. notify (per `channel`, `telegram`
   * or `webhook`): alerts delivered to that channel kind.
   */
  alertsDelivered: 'AlertsDelivered',
  /**
   * detect (no extra dimension): event messages whose SNS publish (or the mark as published after it) failed;
   * alarmed. notify (per `channel`): delivery attempts that failed.
   */
  deliveryFailures: 'DeliveryFailures',
  /** digest: digests built. */
  digestsGenerated: 'DigestsGenerated',
  /** classify: mentions Comprehend throttled past the adapter's retries (back to SQS); alarmed when sustained. */
  comprehendThrottled: 'ComprehendThrottled',
  /** authoriser: requests presenting the id of a key whose stored item is malformed (answered 401); alarmed. */
  apiKeyItemsMalformed: 'ApiKeyItemsMalformed',
} as const;

/** Oldest message age on the mentions queue that means classification has stalled, seconds. */
export const OLDEST_MESSAGE_ALARM_SECONDS = 30 * 60;
/** Consecutive 15-minute periods with Comprehend throttling that make it sustained (alarm `comprehend-throttled`). */
export const COMPREHEND_THROTTLED_PERIODS = 3;
/** Rejected (poison) messages per hour that mean a producer is broken, not a one-off bad item. */
export const REJECTED_PER_HOUR_ALARM = 10;

/** A queue whose depth is alarmed: any visible message in a DLQ means lost work until someone looks. */
export interface WatchedQueue {
  label: string;
  queue: sqs.IQueue;
}

export interface OperationsProps {
  stage: StageConfig['stage'];
  regency: RegencyConfig;
  opsTopic: sns.ITopic;
  functions: Readonly<Record<string, lambda.IFunction>>;
  mentionsQueue: sqs.IQueue;
  deadLetterQueues: readonly WatchedQueue[];
  api: apigw.HttpApi;
  noMentionsAlarmHours: number;
  sourceFailureRuns: number;
}

/**
 * CloudWatch alarms (all notifying the ops topic, both on ALARM and back to OK) and one dashboard.
 */
export class Operations extends Construct {
  readonly alarms: cloudwatch.Alarm[] = [];
  readonly dashboard: cloudwatch.Dashboard;

  constructor(scope: Construct, id: string, props: OperationsProps) {
    super(scope, id);
    const notify = new actions.SnsAction(props.opsTopic);
    const alarm = (alarmId: string, alarmProps: cloudwatch.AlarmProps): cloudwatch.Alarm => {
      const a = new cloudwatch.Alarm(this, alarmId, {
        ...alarmProps,
        alarmName: `pantau-${props.stage}-${alarmProps.alarmName ?? alarmId}`,
      });
      a.addAlarmAction(notify);
      a.addOkAction(notify);
      this.alarms.push(a);
      return a;
    };
    const pantau = (
      metricName: string,
      dimensions: Record<string, string>,
      period: Duration,
      statistic = 'Sum',
    ) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME, ...dimensions },
        period,
        statistic,
      });

    for (const { label, queue } of props.deadLetterQueues) {
      alarm(`${label}DlqDepth`, {
        alarmName: `${label}-dlq-not-empty`,
        alarmDescription: `${label} dead-letter queue holds messages: see docs/operations.md#dead-letter-queues`,
        metric: queue.metricApproximateNumberOfMessagesVisible({
          period: Duration.minutes(5),
          statistic: 'Maximum',
        }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('MentionsOldestMessage', {
      alarmName: 'mentions-queue-stalled',
      alarmDescription: `A mention has waited over ${OLDEST_MESSAGE_ALARM_SECONDS / 60} min for classification`,
      metric: props.mentionsQueue.metricApproximateAgeOfOldestMessage({
        period: Duration.minutes(5),
        statistic: 'Maximum',
      }),
      threshold: OLDEST_MESSAGE_ALARM_SECONDS,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 2,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    for (const [name, fn] of Object.entries(props.functions)) {
      alarm(`${name}Errors`, {
        alarmName: `${name}-errors`,
        alarmDescription: `The ${name} function failed (uncaught error or timeout)`,
        metric: fn.metricErrors({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
      alarm(`${name}Throttles`, {
        alarmName: `${name}-throttles`,
        alarmDescription: `The ${name} function was throttled (account concurrency exhausted)`,
        metric: fn.metricThrottles({ period: Duration.minutes(5), statistic: 'Sum' }),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: 1,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }

    for (const source of props.regency.sources.filter((s) => s.enabled)) {
      alarm(`SourceFailures-${source.id}`, {
        alarmName: `source-failing-${source.id}`,
        alarmDescription: `Source ${source.id} failed ${props.sourceFailureRuns} runs in a row`,
        metric: pantau(
          PANTAU_METRICS.sourceFailures,
          { source: source.id },
          Duration.minutes(source.everyMinutes),
        ),
        threshold: 1,
        comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
        evaluationPeriods: props.sourceFailureRuns,
        datapointsToAlarm: props.sourceFailureRuns,
        treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
      });
    }
    alarm('NoMentionsCollected', {
      alarmName: 'no-mentions-collected',
      // MentionsStored (classify, no extra dimension) rather than a per-source collect count: it is one
      // metric an alarm can watch, and it stays flat whether collect, the queue or classify has stopped.
      alarmDescription: `No new mention collected and stored for ${props.noMentionsAlarmHours} h (missing data counts: the pipeline may not be running)`,
      metric: pantau(PANTAU_METRICS.mentionsStored, {}, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.LESS_THAN_THRESHOLD,
      evaluationPeriods: props.noMentionsAlarmHours,
      datapointsToAlarm: props.noMentionsAlarmHours,
      treatMissingData: cloudwatch.TreatMissingData.BREACHING,
    });
    alarm('MessagesRejected', {
      alarmName: 'messages-rejected',
      alarmDescription: `${REJECTED_PER_HOUR_ALARM}+ poison messages in an hour: a producer sends bad mentions`,
      metric: pantau(PANTAU_METRICS.messagesRejected, {}, Duration.hours(1)),
      threshold: REJECTED_PER_HOUR_ALARM,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('DetectorStateUnsaved', {
      alarmName: 'detector-state-unsaved',
      // A refused state is not retried into success by itself: the series re-steps the same hours every
      // run and never moves on, so one occurrence is worth a look (the log line names the field).
      alarmDescription:
        'A spike detector state was refused by DynamoDB: that series is stuck (see the detect log)',
      metric: pantau(PANTAU_METRICS.detectorStateUnsaved, {}, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('AlertPublishFailures', {
      alarmName: 'alert-publish-failing',
      // Detect catches a failed publish, counts it and returns normally, so detect-errors never sees it. The
      // metric without `channel` is detect's alone (notify adds `channel`). One period per detect run: while
      // publishing keeps failing every period has a failure and the alarm stays up instead of flapping.
      alarmDescription:
        'Detect could not publish an alert to the SNS alerts topic; it retries each run while the window is under 24 h old (docs/operations.md#alert-publishing-failing)',
      metric: pantau(PANTAU_METRICS.deliveryFailures, {}, Duration.minutes(DETECT_EVERY_MINUTES)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('ComprehendThrottled', {
      alarmName: 'comprehend-throttled',
      // A few throttled mentions retry into success by themselves; throttling in three 15-minute periods in
      // a row is sustained: the queue is slowing down and mentions are on their way to the DLQ.
      alarmDescription: `Comprehend throttled classify in ${COMPREHEND_THROTTLED_PERIODS} consecutive 15-min periods (docs/operations.md#comprehend-throttled)`,
      metric: pantau(PANTAU_METRICS.comprehendThrottled, {}, Duration.minutes(15)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: COMPREHEND_THROTTLED_PERIODS,
      datapointsToAlarm: COMPREHEND_THROTTLED_PERIODS,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('ApiKeyItemMalformed', {
      alarmName: 'api-key-item-malformed',
      // The authoriser answers such a key 401, like an unknown one (no oracle), so nothing else shows it: a
      // hand-edited or foreign key item locks its holder out until someone repairs or revokes it.
      alarmDescription:
        'A request presented the id of an API key whose stored item is malformed (docs/operations.md#api-key-item-malformed)',
      metric: pantau(PANTAU_METRICS.apiKeyItemsMalformed, {}, Duration.hours(1)),
      threshold: 1,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });
    alarm('Api5xx', {
      alarmName: 'api-5xx',
      alarmDescription: 'The API answered 5 or more server errors in 5 min',
      metric: props.api.metricServerError({ period: Duration.minutes(5), statistic: 'Sum' }),
      threshold: 5,
      comparisonOperator: cloudwatch.ComparisonOperator.GREATER_THAN_OR_EQUAL_TO_THRESHOLD,
      evaluationPeriods: 1,
      treatMissingData: cloudwatch.TreatMissingData.NOT_BREACHING,
    });

    this.dashboard = this.#buildDashboard(props);
  }

  #buildDashboard(props: OperationsProps): cloudwatch.Dashboard {
    const period = Duration.minutes(15);
    const bySource = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},service,source} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
        label,
        period,
      });
    const total = (metricName: string, label: string) =>
      new cloudwatch.Metric({
        namespace: METRICS_NAMESPACE,
        metricName,
        dimensionsMap: { service: POWERTOOLS_SERVICE_NAME },
        statistic: 'Sum',
        period,
        label,
      });
    const fns = Object.entries(props.functions);
    const perFunction = (metric: (fn: lambda.IFunction) => cloudwatch.IMetric) =>
      fns.map(([, fn]) => metric(fn));

    const dashboard = new cloudwatch.Dashboard(this, 'Dashboard', {
      dashboardName: `pantau-${props.stage}`,
      defaultInterval: Duration.days(1),
    });
    dashboard.addWidgets(
      new cloudwatch.TextWidget({
        markdown: `# Pantau ${props.stage} — ${props.regency.name}\nRunbook: docs/operations.md. Times in UTC; WIB = UTC+7.`,
        width: 24,
        height: 2,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Mentions fetched per source',
        left: [bySource(PANTAU_METRICS.mentionsFetched, 'fetched')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'New vs duplicate mentions per source',
        left: [bySource(PANTAU_METRICS.mentionsNew, 'new')],
        right: [bySource(PANTAU_METRICS.mentionsDuplicate, 'duplicate')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Source failures',
        left: [bySource(PANTAU_METRICS.sourceFailures, 'failures')],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Mentions classified per scorer',
        left: [
          new cloudwatch.MathExpression({
            expression: `SEARCH('{${METRICS_NAMESPACE},scorer,service} MetricName="${PANTAU_METRICS.mentionsClassified}"', 'Sum', ${period.toSeconds()})`,
            label: 'classified',
            period,
          }),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Comprehend units (USD 0.0001 each)',
        left: [total(PANTAU_METRICS.comprehendUnits, 'units')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Mentions stored / messages rejected',
        left: [total(PANTAU_METRICS.mentionsStored, 'stored')],
        right: [total(PANTAU_METRICS.messagesRejected, 'rejected')],
        width: 8,
      }),
    );
    const byChannel = (metricName: string, label: string) =>
      new cloudwatch.MathExpression({
        expression: `SEARCH('{${METRICS_NAMESPACE},channel,service} MetricName="${metricName}"', 'Sum', ${period.toSeconds()})`,
        label,
        period,
      });
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Alerts raised / published to SNS / publish failures (detect)',
        left: [
          total(PANTAU_METRICS.alertsRaised, 'raised'),
          total(PANTAU_METRICS.alertsDelivered, 'published'),
          total(PANTAU_METRICS.deliveryFailures, 'publish failures'),
        ],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Alerts delivered / delivery failures per channel (notify)',
        left: [byChannel(PANTAU_METRICS.alertsDelivered, 'delivered')],
        right: [byChannel(PANTAU_METRICS.deliveryFailures, 'failures')],
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Digests generated / items rejected by collectors',
        left: [total(PANTAU_METRICS.digestsGenerated, 'digests')],
        right: [bySource(PANTAU_METRICS.mentionsRejected, 'rejected items')],
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Mentions queue: depth and oldest message (s)',
        left: [props.mentionsQueue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5) })],
        right: [props.mentionsQueue.metricApproximateAgeOfOldestMessage({ period: Duration.minutes(5) })],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'Dead-letter queues',
        left: props.deadLetterQueues.map(({ label, queue }) =>
          queue.metricApproximateNumberOfMessagesVisible({ period: Duration.minutes(5), label }),
        ),
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'Lambda errors',
        left: perFunction((fn) => fn.metricErrors({ period: Duration.minutes(5) })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda duration p95 (ms)',
        left: perFunction((fn) => fn.metricDuration({ period: Duration.minutes(5), statistic: 'p95' })),
        width: 8,
      }),
      new cloudwatch.GraphWidget({
        title: 'Lambda throttles',
        left: perFunction((fn) => fn.metricThrottles({ period: Duration.minutes(5) })),
        width: 8,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.GraphWidget({
        title: 'API requests and errors',
        left: [props.api.metricCount({ period: Duration.minutes(5) })],
        right: [
          props.api.metricClientError({ period: Duration.minutes(5) }),
          props.api.metricServerError({ period: Duration.minutes(5) }),
        ],
        width: 12,
      }),
      new cloudwatch.GraphWidget({
        title: 'API latency p95 (ms)',
        left: [props.api.metricLatency({ period: Duration.minutes(5), statistic: 'p95' })],
        width: 12,
      }),
    );
    dashboard.addWidgets(
      new cloudwatch.AlarmStatusWidget({ title: 'Alarms', alarms: this.alarms, width: 24 }),
    );
    return dashboard;
  }
}
