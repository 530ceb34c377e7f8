import { Duration } from 'aws-cdk-lib';
import type * as lambda from 'aws-cdk-lib/aws-lambda';
import { SqsEventSource } from 'aws-cdk-lib/aws-lambda-event-sources';
import { Construct } from 'constructs';
import { InfraConfigError } from '../config.ts';
import { MIN_MAX_RECEIVE_COUNT, minimumVisibilitySeconds } from '../invariants.ts';
import type { MentionsQueueRef } from '../stacks/data-stack.ts';

export interface QueueConsumerProps {
  queue: MentionsQueueRef;
  function: lambda.IFunction;
  /** The consumer's timeout; checked against the queue's visibility timeout. */
  timeout: Duration;
  /** Messages per invocation (1–25: one Comprehend batch). */
  batchSize: number;
  batchingWindowSeconds: number;
  /** Concurrent invocations the event source may run (2–1000). */
  maxConcurrency: number;
}

/**
 * An SQS event source with partial batch responses always on — without `ReportBatchItemFailures` a returned
 * `batchItemFailures` list is ignored and the failed messages are deleted. Refuses to build a consumer whose
 * queue would make a message visible again while an invocation may still hold it, or whose DLQ would catch
 * messages that were only throttled.
 */
export class QueueConsumer extends Construct {
  constructor(scope: Construct, id: string, props: QueueConsumerProps) {
    super(scope, id);
    const needed = minimumVisibilitySeconds(props.timeout.toSeconds(), props.batchingWindowSeconds);
    const visibility = props.queue.visibilityTimeout.toSeconds();
    if (visibility < needed) {
      throw new InfraConfigError(
        `Queue visibility timeout ${visibility} s is below 6 × function timeout + batching window = ${needed} s`,
      );
    }
    if (props.queue.maxReceiveCount < MIN_MAX_RECEIVE_COUNT) {
      throw new InfraConfigError(
        `maxReceiveCount ${props.queue.maxReceiveCount} is below ${MIN_MAX_RECEIVE_COUNT}: throttled deliveries would be dead-lettered`,
      );
    }
    props.function.addEventSource(
      new SqsEventSource(props.queue.queue, {
        batchSize: props.batchSize,
        maxBatchingWindow: Duration.seconds(props.batchingWindowSeconds),
        maxConcurrency: props.maxConcurrency,
        reportBatchItemFailures: true,
      }),
    );
  }
}
