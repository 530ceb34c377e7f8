import type { Context, SQSEvent } from 'aws-lambda';
import { describe, expect, it } from 'vitest';
import { drainQueue, InProcessQueue } from '#shared/adapters/local/in-process-queue.ts';

const context = { getRemainingTimeInMillis: () => 30_000 } as Context;

describe('InProcessQueue', () => {
  it('hides a received message for the visibility timeout and counts receives', () => {
    const queue = new InProcessQueue({ visibilityTimeoutMs: 1_000, startMs: 0 });
    queue.sendRaw('a');
    const [first] = queue.receive();
    expect(first?.receiveCount).toBe(1);
    expect(queue.receive()).toEqual([]);
    expect(queue.depth()).toEqual({ visible: 0, inFlight: 1 });
    queue.advance(1_000);
    const [second] = queue.receive();
    expect(second?.receiveCount).toBe(2);
    expect(queue.delete(first?.receiptHandle ?? '')).toBe(false);
    expect(queue.delete(second?.receiptHandle ?? '')).toBe(true);
    expect(queue.size).toBe(0);
  });

  it('delivers at most 10 per receive, oldest first', () => {
    const queue = new InProcessQueue({ startMs: 0 });
    for (let i = 0; i < 12; i++) {
      queue.sendRaw(`m${i}`);
      queue.advance(1);
    }
    expect(queue.receive(25).map((m) => m.body)).toEqual(Array.from({ length: 10 }, (_, i) => `m${i}`));
  });

  it('moves a message to the DLQ after maxReceiveCount failed deliveries', async () => {
    const dlq = new InProcessQueue({ name: 'dlq', startMs: 0 });
    const queue = new InProcessQueue({ maxReceiveCount: 5, deadLetterQueue: dlq, startMs: 0 });
    queue.sendRaw('poison');
    queue.sendRaw('good');
    let poisonDeliveries = 0;
    const report = await drainQueue(
      queue,
      async (event: SQSEvent) => ({
        batchItemFailures: event.Records.filter((r) => r.body === 'poison').map((r) => {
          poisonDeliveries++;
          return { itemIdentifier: r.messageId };
        }),
      }),
      context,
    );
    expect(poisonDeliveries).toBe(5);
    expect(dlq.bodies()).toEqual(['poison']);
    expect(queue.size).toBe(0);
    expect(report.deleted).toBe(1);
    expect(report.deadLettered).toBe(1);
  });

  it('keeps the whole batch when the handler throws', async () => {
    const queue = new InProcessQueue({
      startMs: 0,
      maxReceiveCount: 2,
      deadLetterQueue: new InProcessQueue({ startMs: 0 }),
    });
    queue.sendRaw('a');
    queue.sendRaw('b');
    let calls = 0;
    const report = await drainQueue(
      queue,
      async () => {
        calls++;
        if (calls === 1) throw new Error('crash');
        return { batchItemFailures: [] };
      },
      context,
    );
    expect(report.handlerErrors).toBe(1);
    expect(report.deliveries).toBe(4);
    expect(report.deleted).toBe(2);
  });
});
