import { SendMessageBatchCommand, SQSClient } from '@aws-sdk/client-sqs';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { chunkForSqs, SqsMentionQueue } from '#shared/adapters/aws/sqs-queue.ts';
import { scoredMention } from '../../../helpers/mentions.ts';

const sqs = mockClient(SQSClient);
beforeEach(() => sqs.reset());

const queueUrl = 'https://sqs.ap-southeast-3.amazonaws.com/000000000000/pantau-mentions';

describe('chunkForSqs', () => {
  it('keeps ≤ 10 entries and ≤ 256 KiB per chunk', () => {
    const small = Array.from({ length: 23 }, (_, i) => ({ body: `m${i}` }));
    expect(chunkForSqs(small).map((c) => c.length)).toEqual([10, 10, 3]);
    const big = Array.from({ length: 5 }, () => ({ body: 'x'.repeat(100_000) }));
    expect(chunkForSqs(big).map((c) => c.length)).toEqual([2, 2, 1]);
  });
});

describe('SqsMentionQueue', () => {
  it('sends 23 mentions in three batches and retries the entries SQS reports as Failed', async () => {
    let firstCall = true;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => {
      if (firstCall) {
        firstCall = false;
        const [bad, ...good] = input.Entries;
        return {
          Successful: good.map((e) => ({ Id: e.Id, MessageId: `x-${e.Id}`, MD5OfMessageBody: '' })),
          Failed: [{ Id: bad?.Id, Code: 'InternalError', SenderFault: false, Message: 'try again' }],
        };
      }
      return {
        Successful: input.Entries.map((e) => ({ Id: e.Id, MessageId: `x-${e.Id}`, MD5OfMessageBody: '' })),
        Failed: [],
      };
    });
    const mentions = Array.from({ length: 23 }, (_, i) => scoredMention(i));
    const queue = new SqsMentionQueue({
      client: new SQSClient({ region: 'ap-southeast-3' }),
      queueUrl,
      minBackoffMs: 1,
    });
    const result = await queue.send(mentions);
    expect(result.failed).toEqual([]);
    expect(new Set(result.sent)).toEqual(new Set(mentions.map((m) => m.id)));
    const calls = sqs.commandCalls(SendMessageBatchCommand).map((c) => c.args[0].input.Entries?.length);
    expect(calls).toEqual([10, 1, 10, 3]);
    const body = sqs.commandCalls(SendMessageBatchCommand)[0]?.args[0].input.Entries?.[1]?.MessageBody ?? '';
    expect(JSON.parse(body).id).toBe(mentions[1]?.id);
  });

  it('reports sender faults at once and gives up on entries that keep failing', async () => {
    const mentions = [scoredMention(1), scoredMention(2)];
    const badId = mentions[0]?.id;
    sqs.on(SendMessageBatchCommand).callsFake((input: { Entries: { Id: string }[] }) => ({
      Successful: [],
      Failed: input.Entries.map((e) => ({
        Id: e.Id,
        Code: e.Id === badId ? 'InvalidMessageContents' : 'ServiceUnavailable',
        SenderFault: e.Id === badId,
      })),
    }));
    const queue = new SqsMentionQueue({
      client: new SQSClient({ region: 'ap-southeast-3' }),
      queueUrl,
      retries: 2,
      minBackoffMs: 1,
    });
    const result = await queue.send(mentions);
    expect(result.sent).toEqual([]);
    expect(result.failed.map((f) => [f.id, f.error])).toEqual([
      [mentions[0]?.id, 'InvalidMessageContents:'],
      [mentions[1]?.id, 'ServiceUnavailable:'],
    ]);
    expect(sqs.commandCalls(SendMessageBatchCommand)).toHaveLength(3);
  });
});
