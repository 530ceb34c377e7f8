import { Duration, type RemovalPolicy, TimeZone, Validations } from 'aws-cdk-lib';
import * as iam from 'aws-cdk-lib/aws-iam';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import * as scheduler from 'aws-cdk-lib/aws-scheduler';
import * as targets from 'aws-cdk-lib/aws-scheduler-targets';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';
import type { RegencyConfig } from '#shared/domain/config.ts';
import {
  DETECT_EVERY_MINUTES,
  DETECT_OFFSET_MINUTES,
  dailyAtExpression,
  everyMinutesExpression,
} from '../schedule-expressions.ts';
import { MAX_RETENTION, QUEUE_SECURITY } from './durable-queue.ts';

export interface PantauSchedulesProps {
  regency: RegencyConfig;
  collect: lambda.IFunction;
  detect: lambda.IFunction;
  digest: lambda.IFunction;
  removalPolicy: RemovalPolicy;
}

/** Retries Scheduler makes per missed invocation before dead-lettering it (its default is 185). */
export const SCHEDULE_RETRY_ATTEMPTS = 3;

/**
 * `LambdaInvoke` whose role may invoke exactly the function ARN. The stock target calls `grantInvoke`, which
 * also allows `<arn>:*` (every version and alias); Scheduler only ever invokes the unqualified ARN.
 */
export class ExactLambdaInvoke extends targets.LambdaInvoke {
  readonly #target: lambda.IFunction;

  constructor(target: lambda.IFunction, props: targets.ScheduleTargetBaseProps) {
    super(target, props);
    this.#target = target;
  }

  protected override addTargetActionToRole(role: iam.IRole): void {
    role.addToPrincipalPolicy(
      new iam.PolicyStatement({ actions: ['lambda:InvokeFunction'], resources: [this.#target.functionArn] }),
    );
  }
}

/**
 * EventBridge Scheduler schedules in the regency's time zone: one collect schedule per enabled source
 * (`{ "sourceId": "<id>" }`, every `sources[].everyMinutes`), detection every 15 minutes (offset by
 * {@link DETECT_OFFSET_MINUTES}) and the digest daily at `digest.hour`:00. Every target retries a few times
 * within an hour, then lands in a dead-letter queue (alarmed), because a stale collect or detect run is
 * better skipped than replayed hours late.
 */
export class PantauSchedules extends Construct {
  readonly deadLetterQueue: sqs.Queue;
  readonly group: scheduler.ScheduleGroup;
  /** Collect schedules by source id. */
  readonly collectSchedules: ReadonlyMap<string, scheduler.Schedule>;

  constructor(scope: Construct, id: string, props: PantauSchedulesProps) {
    super(scope, id);
    const timeZone = TimeZone.of(props.regency.timeZone);
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...QUEUE_SECURITY,
      retentionPeriod: MAX_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    Validations.of(this.deadLetterQueue).acknowledge({
      id: 'AwsSolutions-SQS3',
      reason: 'This queue is the dead-letter queue of the Scheduler targets; a DLQ of a DLQ adds nothing.',
    });
    this.group = new scheduler.ScheduleGroup(this, 'Group', { removalPolicy: props.removalPolicy });

    const targetProps = {
      deadLetterQueue: this.deadLetterQueue,
      retryAttempts: SCHEDULE_RETRY_ATTEMPTS,
      maxEventAge: Duration.hours(1),
    };
    const schedule = (
      scheduleId: string,
      expression: string,
      target: scheduler.IScheduleTarget,
      description: string,
    ) =>
      new scheduler.Schedule(this, scheduleId, {
        schedule: scheduler.ScheduleExpression.expression(expression, timeZone),
        target,
        description,
        scheduleGroup: this.group,
        timeWindow: scheduler.TimeWindow.off(),
      });

    const collectSchedules = new Map<string, scheduler.Schedule>();
    for (const source of props.regency.sources.filter((s) => s.enabled)) {
      collectSchedules.set(
        source.id,
        schedule(
          `Collect-${source.id}`,
          everyMinutesExpression(source.everyMinutes),
          new ExactLambdaInvoke(props.collect, {
            ...targetProps,
            input: scheduler.ScheduleTargetInput.fromObject({ sourceId: source.id }),
          }),
          `Collect mentions from ${source.id} every ${source.everyMinutes} min`,
        ),
      );
    }
    this.collectSchedules = collectSchedules;
    schedule(
      'Detect',
      everyMinutesExpression(DETECT_EVERY_MINUTES, DETECT_OFFSET_MINUTES),
      new ExactLambdaInvoke(props.detect, {
        ...targetProps,
        input: scheduler.ScheduleTargetInput.fromObject({}),
      }),
      `Detect negative-sentiment spikes every ${DETECT_EVERY_MINUTES} min`,
    );
    schedule(
      'Digest',
      dailyAtExpression(props.regency.digest.hour),
      new ExactLambdaInvoke(props.digest, {
        ...targetProps,
        input: scheduler.ScheduleTargetInput.fromObject({}),
      }),
      `Daily digest of the previous day at ${props.regency.digest.hour}:00 ${props.regency.timeZone}`,
    );
  }
}
