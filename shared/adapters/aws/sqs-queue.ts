/**
 * SQS adapter for {@link MentionQueue}: `SendMessageBatch` in chunks of ≤ 10 entries and ≤ 256 KiB,
 * retrying the entries SQS reports in `Failed` (the call itself answers 200) with jittered backoff.
 */
import {
  SendMessageBatchCommand,
  type SendMessageBatchRequestEntry,
  type SQSClient,
} from '@aws-sdk/client-sqs';
import pRetry from 'p-retry';
import type { Mention } from '#shared/domain/mention.ts';
import type { EnqueueResult, MentionQueue } from '#shared/ports/mention-queue.ts';

/** SQS limits: 10 entries and 256 KiB (262,144 bytes) of message bodies per `SendMessageBatch`. */
export const SQS_BATCH_ENTRIES = 10;
export const SQS_BATCH_BYTES = 262_144;

export interface SqsQueueOptions {
  readonly client: SQSClient;
  readonly queueUrl: string;
  /** Retries of `Failed` entries per chunk. @default 4 */
  readonly retries?: number;
  /** First backoff in ms. @default 100 */
  readonly minBackoffMs?: number;
}

/** The message body for a mention: the mention JSON, one per message. */
export function encodeMention(mention: Mention): string {
  return JSON.stringify(mention);
}

/** Split bodies into chunks that respect both SQS batch limits (entry count and total bytes). */
export function chunkForSqs<T extends { body: string }>(entries: readonly T[]): T[][] {
  const chunks: T[][] = [];
  let current: T[] = [];
  let bytes = 0;
  for (const entry of entries) {
    const size = Buffer.byteLength(entry.body, 'utf8');
    if (current.length > 0 && (current.length === SQS_BATCH_ENTRIES || bytes + size > SQS_BATCH_BYTES)) {
      chunks.push(current);
      current = [];
      bytes = 0;
    }
    current.push(entry);
    bytes += size;
  }
  if (current.length > 0) chunks.push(current);
  return chunks;
}

export class SqsMentionQueue implements MentionQueue {
  readonly #options: SqsQueueOptions;

  constructor(options: SqsQueueOptions) {
    this.#options = options;
  }

  /** @inheritdoc */
  async send(mentions: readonly Mention[]): Promise<EnqueueResult> {
    const sent: string[] = [];
    const failed: { id: string; error: string }[] = [];
    const entries = mentions.map((m) => ({ id: m.id, body: encodeMention(m) }));
    for (const chunk of chunkForSqs(entries)) {
      let pending = chunk;
      const errors = new Map<string, string>();
      try {
        await pRetry(
          async () => {
            const out = await this.#options.client.send(
              new SendMessageBatchCommand({
                QueueUrl: this.#options.queueUrl,
                Entries: pending.map(
                  (e): SendMessageBatchRequestEntry => ({ Id: e.id, MessageBody: e.body }),
                ),
              }),
            );
            for (const ok of out.Successful ?? []) if (ok.Id) sent.push(ok.Id);
            const retryable = new Set<string>();
            for (const f of out.Failed ?? []) {
              if (!f.Id) continue;
              const message = `${f.Code ?? 'Unknown'}: ${f.Message ?? ''}`.trim();
              // A sender fault (bad body, too large) never succeeds on retry.
              if (f.SenderFault) failed.push({ id: f.Id, error: message });
              else {
                retryable.add(f.Id);
                errors.set(f.Id, message);
              }
            }
            pending = pending.filter((e) => retryable.has(e.id));
            if (pending.length > 0) throw new Error(`${pending.length} entries failed`);
          },
          {
            retries: this.#options.retries ?? 4,
            minTimeout: this.#options.minBackoffMs ?? 100,
            maxTimeout: 5_000,
            randomize: true,
          },
        );
      } catch (error) {
        for (const e of pending) {
          failed.push({
            id: e.id,
            error: errors.get(e.id) ?? (error instanceof Error ? error.message : String(error)),
          });
        }
      }
    }
    return { sent, failed };
  }
}
