import { Duration, type RemovalPolicy } from 'aws-cdk-lib';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { Construct } from 'constructs';

export interface DurableQueueProps {
  /** Visibility timeout of the main queue; ≥ 6 × the consumer's timeout (+ batching window). */
  visibilityTimeout: Duration;
  /** Receives before a message moves to the dead-letter queue. */
  maxReceiveCount: number;
  removalPolicy: RemovalPolicy;
}

/** SQS-managed encryption and an SSL-only queue policy: what every Pantau queue has. */
export const QUEUE_SECURITY = { encryption: sqs.QueueEncryption.SQS_MANAGED, enforceSSL: true } as const;

/**
 * Retention of every dead-letter queue: the SQS maximum, so a slow fix loses nothing there. In a redrive
 * DLQ it counts from the first enqueue on the work queue (a standard queue's move keeps that timestamp).
 */
export const MAX_RETENTION = Duration.days(14);

/**
 * Retention of a work queue (the SQS default). A message a consumer keeps failing moves to the DLQ long
 * before that (`maxReceiveCount` × the visibility timeout); only a consumer stopped for 4 days loses
 * messages here, and `mentions-queue-stalled` alarms once the oldest message is 30 minutes old.
 */
export const WORK_QUEUE_RETENTION = Duration.days(4);

/**
 * A work queue and its dead-letter queue, both encrypted (SSE-SQS) and refusing non-TLS requests.
 */
export class DurableQueue extends Construct {
  readonly queue: sqs.Queue;
  readonly deadLetterQueue: sqs.Queue;
  readonly visibilityTimeout: Duration;
  readonly maxReceiveCount: number;

  constructor(scope: Construct, id: string, props: DurableQueueProps) {
    super(scope, id);
    this.visibilityTimeout = props.visibilityTimeout;
    this.maxReceiveCount = props.maxReceiveCount;
    this.deadLetterQueue = new sqs.Queue(this, 'DeadLetterQueue', {
      ...QUEUE_SECURITY,
      retentionPeriod: MAX_RETENTION,
      removalPolicy: props.removalPolicy,
    });
    this.queue = new sqs.Queue(this, 'Queue', {
      ...QUEUE_SECURITY,
      visibilityTimeout: props.visibilityTimeout,
      retentionPeriod: WORK_QUEUE_RETENTION,
      deadLetterQueue: { queue: this.deadLetterQueue, maxReceiveCount: props.maxReceiveCount },
      removalPolicy: props.removalPolicy,
    });
  }
}
