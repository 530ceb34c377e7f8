/**
 * An in-process model of an SQS standard queue with a redrive policy, for the local runtime and tests
 * (no pure-JS SQS emulator works with the current SDK on Node 20). It models what Pantau relies on:
 * batches of up to 10, visibility timeout, `ApproximateReceiveCount`, delete by receipt handle (a stale
 * handle does nothing), partial batch failures, and moving a message to the DLQ when it is received more
 * than `maxReceiveCount` times. Time is virtual: {@link InProcessQueue.advance} skips ahead instead of
 * sleeping through a visibility timeout. With a {@link QueueJournalWriter} it also writes every message it
 * is handed to disk before accepting it, and every delete, so an interrupted run can re-send what it held.
 */
import { randomUUID } from 'node:crypto';
import type { Context, SQSBatchResponse, SQSEvent, SQSRecord } from 'aws-lambda';
import type { Mention } from '#shared/domain/mention.ts';
import type { EnqueueResult, MentionQueue } from '#shared/ports/mention-queue.ts';
import { encodeMention } from '../aws/sqs-queue.ts';
import { type PendingMessage, QueueJournalError, type QueueJournalWriter } from './queue-journal.ts';

interface StoredMessage {
  readonly messageId: string;
  readonly body: string;
  readonly sentAt: number;
  receiveCount: number;
  firstReceivedAt?: number;
  visibleAt: number;
  receiptHandle?: string;
}

export interface ReceivedMessage {
  readonly messageId: string;
  readonly receiptHandle: string;
  readonly body: string;
  readonly receiveCount: number;
  readonly sentAt: number;
  readonly firstReceivedAt: number;
}

export interface InProcessQueueOptions {
  readonly name?: string;
  /** Visibility timeout in ms. @default 180_000 (6 × a 30 s function timeout) */
  readonly visibilityTimeoutMs?: number;
  /** Receives before a message moves to the DLQ. @default 5 */
  readonly maxReceiveCount?: number;
  /** Dead-letter queue; without one, messages are received forever (as in SQS). */
  readonly deadLetterQueue?: InProcessQueue;
  /** Virtual start time, epoch ms. @default Date.now() */
  readonly startMs?: number;
  /**
   * Where sends and deletes are recorded durably (SQS keeps messages across a crash; this lets the local
   * queue do the same). Messages moved to the DLQ stay pending in it until the caller compacts.
   * @default none (memory only)
   */
  readonly journal?: QueueJournalWriter;
}

export class InProcessQueue implements MentionQueue {
  readonly name: string;
  readonly #messages = new Map<string, StoredMessage>();
  readonly #visibilityMs: number;
  readonly #maxReceiveCount: number;
  readonly #dlq: InProcessQueue | undefined;
  readonly #journal: QueueJournalWriter | undefined;
  #now: number;

  constructor(options: InProcessQueueOptions = {}) {
    this.name = options.name ?? 'mentions';
    this.#visibilityMs = options.visibilityTimeoutMs ?? 180_000;
    this.#maxReceiveCount = options.maxReceiveCount ?? 5;
    this.#dlq = options.deadLetterQueue;
    this.#now = options.startMs ?? Date.now();
    this.#journal = options.journal;
  }

  /** The dead-letter queue, if any. */
  get deadLetterQueue(): InProcessQueue | undefined {
    return this.#dlq;
  }

  /** Messages held (visible or in flight). */
  get size(): number {
    return this.#messages.size;
  }

  /** Virtual now, epoch ms. */
  get now(): number {
    return this.#now;
  }

  /** Move virtual time forward by `ms` (and the DLQ's with it). */
  advance(ms: number): void {
    this.#now += ms;
    this.#dlq?.advance(ms);
  }

  /**
   * @inheritdoc
   * With a journal, the mentions are written to it (fsync'd) first; when that fails none is accepted and
   * every one comes back in `failed`, so collect neither marks them queued nor advances past them.
   */
  async send(mentions: readonly Mention[]): Promise<EnqueueResult> {
    const messages = mentions.map((m) => ({ messageId: randomUUID(), body: encodeMention(m) }));
    try {
      this.#journal?.recordSent(messages);
    } catch (error) {
      if (!(error instanceof QueueJournalError)) throw error;
      // The journal's message already says why (folder, permission, disk full …).
      return { sent: [], failed: mentions.map((m) => ({ id: m.id, error: error.message })) };
    }
    for (const m of messages) this.#hold(m);
    return { sent: mentions.map((m) => m.id), failed: [] };
  }

  /**
   * Enqueue any body (tests use it for poison messages); journalled like {@link send}.
   * @returns the message id.
   * @throws {QueueJournalError} when the journal cannot be written.
   */
  sendRaw(body: string): string {
    const message = { messageId: randomUUID(), body };
    this.#journal?.recordSent([message]);
    this.#hold(message);
    return message.messageId;
  }

  /**
   * Put back messages an interrupted run left in the journal, under their old ids, without writing them to
   * the journal again (they are still in it). @returns how many were restored.
   */
  restore(messages: readonly PendingMessage[]): number {
    for (const m of messages) this.#hold(m);
    return messages.length;
  }

  /** Messages held (visible or in flight), oldest first: what a journal must keep. */
  pending(): PendingMessage[] {
    return [...this.#messages.values()]
      .sort((a, b) => a.sentAt - b.sentAt)
      .map((m) => ({ messageId: m.messageId, body: m.body }));
  }

  #hold(message: PendingMessage): void {
    this.#messages.set(message.messageId, {
      messageId: message.messageId,
      body: message.body,
      sentAt: this.#now,
      receiveCount: 0,
      visibleAt: this.#now,
    });
  }

  /**
   * Receive up to `max` (1–10) visible messages, oldest first; each becomes invisible for the visibility
   * timeout and gets a new receipt handle. A message already received `maxReceiveCount` times moves to
   * the DLQ instead of being delivered again.
   */
  receive(max = 10): ReceivedMessage[] {
    const out: ReceivedMessage[] = [];
    const limit = Math.min(Math.max(max, 1), 10);
    for (const message of [...this.#messages.values()].sort((a, b) => a.sentAt - b.sentAt)) {
      if (out.length >= limit) break;
      if (message.visibleAt > this.#now) continue;
      if (this.#dlq && message.receiveCount >= this.#maxReceiveCount) {
        this.#messages.delete(message.messageId);
        this.#dlq.sendRaw(message.body);
        continue;
      }
      message.receiveCount += 1;
      message.firstReceivedAt ??= this.#now;
      message.visibleAt = this.#now + this.#visibilityMs;
      message.receiptHandle = randomUUID();
      out.push({
        messageId: message.messageId,
        receiptHandle: message.receiptHandle,
        body: message.body,
        receiveCount: message.receiveCount,
        sentAt: message.sentAt,
        firstReceivedAt: message.firstReceivedAt,
      });
    }
    return out;
  }

  /** Delete by receipt handle; a stale handle (message received again since) is ignored, as in SQS. */
  delete(receiptHandle: string): boolean {
    for (const message of this.#messages.values()) {
      if (message.receiptHandle === receiptHandle) {
        this.#messages.delete(message.messageId);
        this.#journal?.recordDeleted(message.messageId);
        return true;
      }
    }
    return false;
  }

  /** Messages by state: visible now, or in flight (received, not yet visible again). */
  depth(): { visible: number; inFlight: number } {
    let visible = 0;
    for (const m of this.#messages.values()) if (m.visibleAt <= this.#now) visible++;
    return { visible, inFlight: this.#messages.size - visible };
  }

  /** Ms until the next in-flight message becomes visible, or undefined when none is in flight. */
  nextVisibleInMs(): number | undefined {
    let next: number | undefined;
    for (const m of this.#messages.values()) {
      if (m.visibleAt > this.#now && (next === undefined || m.visibleAt < next)) next = m.visibleAt;
    }
    return next === undefined ? undefined : next - this.#now;
  }

  /** Bodies currently held (for DLQ inspection). */
  bodies(): string[] {
    return [...this.#messages.values()].map((m) => m.body);
  }
}

/** The Lambda SQS event for received messages, shaped as AWS delivers it. */
export function toSqsEvent(messages: readonly ReceivedMessage[], queueName = 'mentions'): SQSEvent {
  const arn = `arn:aws:sqs:local:000000000000:${queueName}`;
  return {
    Records: messages.map(
      (m): SQSRecord => ({
        messageId: m.messageId,
        receiptHandle: m.receiptHandle,
        body: m.body,
        attributes: {
          ApproximateReceiveCount: String(m.receiveCount),
          SentTimestamp: String(m.sentAt),
          SenderId: 'local',
          ApproximateFirstReceiveTimestamp: String(m.firstReceivedAt),
        },
        messageAttributes: {},
        md5OfBody: '',
        eventSource: 'aws:sqs',
        eventSourceARN: arn,
        awsRegion: 'local',
      }),
    ),
  };
}

export type SqsHandler = (event: SQSEvent, context: Context) => Promise<SQSBatchResponse | undefined>;

export interface DrainReport {
  readonly batches: number;
  readonly deliveries: number;
  readonly deleted: number;
  readonly failedDeliveries: number;
  readonly handlerErrors: number;
  readonly deadLettered: number;
}

/**
 * Drive a queue through an SQS handler the way the Lambda event source mapping does: receive a batch,
 * invoke, delete the records not listed in `batchItemFailures` (nothing when the handler throws), let
 * failures become visible again after the timeout, until the queue is empty (poison ends in the DLQ).
 * @param options.batchSize records per invocation (1–10 here; the AWS mapping allows more with a window).
 * @param options.maxBatches safety stop. @default 10_000
 */
export async function drainQueue(
  queue: InProcessQueue,
  handler: SqsHandler,
  context: Context,
  options: { batchSize?: number; maxBatches?: number; onBatch?: (done: number) => void } = {},
): Promise<DrainReport> {
  let batches = 0;
  let deliveries = 0;
  let deleted = 0;
  let failedDeliveries = 0;
  let handlerErrors = 0;
  const dlqBefore = queue.deadLetterQueue?.size ?? 0;
  const maxBatches = options.maxBatches ?? 10_000;
  while (batches < maxBatches) {
    const messages = queue.receive(options.batchSize ?? 10);
    if (messages.length === 0) {
      const wait = queue.nextVisibleInMs();
      if (wait === undefined) break;
      queue.advance(wait);
      continue;
    }
    batches++;
    deliveries += messages.length;
    let failures = new Set<string>();
    try {
      const response = await handler(toSqsEvent(messages, queue.name), context);
      failures = new Set((response?.batchItemFailures ?? []).map((f) => f.itemIdentifier));
    } catch {
      handlerErrors++;
      failures = new Set(messages.map((m) => m.messageId));
    }
    for (const m of messages) {
      if (failures.has(m.messageId)) failedDeliveries++;
      else if (queue.delete(m.receiptHandle)) deleted++;
    }
    options.onBatch?.(deleted);
  }
  return {
    batches,
    deliveries,
    deleted,
    failedDeliveries,
    handlerErrors,
    deadLettered: (queue.deadLetterQueue?.size ?? 0) - dlqBefore,
  };
}
