import {
  BatchDetectSentimentCommand,
  ComprehendClient,
  TooManyRequestsException,
} from '@aws-sdk/client-comprehend';
import { mockClient } from 'aws-sdk-client-mock';
import { beforeEach, describe, expect, it } from 'vitest';
import { ComprehendAnalyzer, comprehendUnits, truncateUtf8 } from '#shared/adapters/aws/comprehend.ts';

const comprehend = mockClient(ComprehendClient);

beforeEach(() => comprehend.reset());

function positiveFor(textList: string[], skip: number[] = []) {
  return textList
    .map((_, Index) => ({
      Index,
      Sentiment: 'POSITIVE' as const,
      SentimentScore: { Positive: 0.9, Negative: 0.05, Neutral: 0.04, Mixed: 0.01 },
    }))
    .filter((r) => !skip.includes(r.Index));
}

describe('truncateUtf8', () => {
  it('never splits an emoji that straddles the byte limit', () => {
    const text = `${'a'.repeat(4_898)}😀tail`; // 4,898 + 4 bytes crosses 4,900
    const cut = truncateUtf8(text, 4_900);
    expect(cut).toBe('a'.repeat(4_898));
    expect(Buffer.byteLength(cut)).toBeLessThanOrEqual(4_900);
  });

  it('keeps a whole ZWJ family emoji or drops it whole', () => {
    const family = '👨‍👩‍👧';
    const bytes = Buffer.byteLength(family);
    expect(truncateUtf8(`x${family}`, bytes)).toBe('x');
    expect(truncateUtf8(`x${family}`, bytes + 1)).toBe(`x${family}`);
  });

  it('replaces lone surrogates so the result is valid UTF-8', () => {
    expect(truncateUtf8('ab\uD800cd', 100)).toBe('ab\uFFFDcd');
  });
});

describe('comprehendUnits', () => {
  it('bills at least 3 units and one per started 100 characters', () => {
    expect(comprehendUnits('x')).toBe(3);
    expect(comprehendUnits('x'.repeat(301))).toBe(4);
  });
});

describe('ComprehendAnalyzer', () => {
  it('scores 30 texts in calls of ≤ 25 and maps a per-item error back to its document', async () => {
    comprehend.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => {
      const failing = input.TextList.indexOf('rusak 7');
      return {
        ResultList: positiveFor(input.TextList, failing >= 0 ? [failing] : []),
        ErrorList:
          failing >= 0
            ? [{ Index: failing, ErrorCode: 'TEXT_SIZE_LIMIT_EXCEEDED', ErrorMessage: 'too long' }]
            : [],
      };
    });
    const analyzer = new ComprehendAnalyzer({ client: new ComprehendClient({ region: 'ap-southeast-1' }) });
    const docs = Array.from({ length: 30 }, (_, i) => ({ id: `m${i}`, text: `rusak ${i}`, lang: 'en' }));
    const outcomes = await analyzer.analyze(docs);

    const calls = comprehend.commandCalls(BatchDetectSentimentCommand);
    expect(calls.map((c) => c.args[0].input.TextList?.length)).toEqual([25, 5]);
    expect(calls.every((c) => c.args[0].input.LanguageCode === 'en')).toBe(true);
    expect(outcomes).toHaveLength(30);
    const failed = outcomes.filter((o) => !o.ok);
    expect(failed).toEqual([
      { id: 'm7', ok: false, code: 'TEXT_SIZE_LIMIT_EXCEEDED', error: 'too long', retryable: false },
    ]);
    const ok = outcomes.find((o) => o.id === 'm8');
    expect(ok?.ok && ok.sentiment.label).toBe('POSITIVE');
    expect(analyzer.unitsUsed).toBe(30 * 3);
  });

  it('sends a document with an emoji straddling the 5,000-byte limit cut below it, emoji whole or gone', async () => {
    comprehend.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
      ResultList: positiveFor(input.TextList),
      ErrorList: [],
    }));
    const analyzer = new ComprehendAnalyzer({ client: new ComprehendClient({ region: 'ap-southeast-1' }) });
    const text = `${'a'.repeat(4_998)}🙂 sisa`; // the emoji occupies bytes 4,999–5,002
    expect(Buffer.byteLength(text)).toBeGreaterThan(5_000);
    const [outcome] = await analyzer.analyze([{ id: 'big', text, lang: 'en' }]);
    expect(outcome?.ok).toBe(true);
    const sent = comprehend.commandCalls(BatchDetectSentimentCommand)[0]?.args[0].input.TextList?.[0] ?? '';
    expect(Buffer.byteLength(sent)).toBeLessThan(5_000);
    expect(sent.isWellFormed()).toBe(true);
    expect(sent.endsWith('a')).toBe(true);
  });

  it('groups documents by language, one call per language', async () => {
    comprehend.on(BatchDetectSentimentCommand).callsFake((input: { TextList: string[] }) => ({
      ResultList: positiveFor(input.TextList),
      ErrorList: [],
    }));
    const analyzer = new ComprehendAnalyzer({ client: new ComprehendClient({ region: 'ap-southeast-1' }) });
    await analyzer.analyze([
      { id: 'a', text: 'good', lang: 'en' },
      { id: 'b', text: 'gut', lang: 'de' },
      { id: 'c', text: 'great', lang: 'en' },
    ]);
    const calls = comprehend.commandCalls(BatchDetectSentimentCommand).map((c) => c.args[0].input);
    expect(calls).toEqual([
      { LanguageCode: 'en', TextList: ['good', 'great'] },
      { LanguageCode: 'de', TextList: ['gut'] },
    ]);
  });

  it('routes unsupported languages and empty text back without calling Comprehend', async () => {
    const analyzer = new ComprehendAnalyzer({ client: new ComprehendClient({ region: 'ap-southeast-1' }) });
    const outcomes = await analyzer.analyze([
      { id: 'id', text: 'jalan rusak', lang: 'id' },
      { id: 'blank', text: '   ', lang: 'en' },
    ]);
    expect(outcomes.map((o) => (o.ok ? 'ok' : `${o.code}:${o.retryable}`))).toEqual([
      'UNSUPPORTED_LANGUAGE:false',
      'EMPTY_TEXT:false',
    ]);
    expect(comprehend.commandCalls(BatchDetectSentimentCommand)).toHaveLength(0);
  });

  it('retries throttling with jittered backoff and succeeds', async () => {
    comprehend
      .on(BatchDetectSentimentCommand)
      .rejectsOnce(new TooManyRequestsException({ message: 'slow down', $metadata: {} }))
      .resolves({ ResultList: positiveFor(['x']), ErrorList: [] });
    const delays: number[] = [];
    const analyzer = new ComprehendAnalyzer({
      client: new ComprehendClient({ region: 'ap-southeast-1' }),
      sleep: async (ms) => {
        delays.push(ms);
      },
      random: () => 0.5,
    });
    const outcomes = await analyzer.analyze([{ id: 'x', text: 'fine', lang: 'en' }]);
    expect(outcomes[0]?.ok).toBe(true);
    expect(delays).toEqual([100]);
  });

  it('gives up as retryable THROTTLED when the Lambda is out of time instead of timing out', async () => {
    comprehend
      .on(BatchDetectSentimentCommand)
      .rejects(new TooManyRequestsException({ message: 'slow down', $metadata: {} }));
    const analyzer = new ComprehendAnalyzer({
      client: new ComprehendClient({ region: 'ap-southeast-1' }),
      sleep: async () => {},
    });
    const outcomes = await analyzer.analyze([{ id: 'x', text: 'fine', lang: 'en' }], {
      remainingTimeMs: () => 2_000,
    });
    expect(outcomes).toEqual([
      {
        id: 'x',
        ok: false,
        code: 'THROTTLED',
        error: expect.stringContaining('TooManyRequestsException'),
        retryable: true,
      },
    ]);
    expect(comprehend.commandCalls(BatchDetectSentimentCommand)).toHaveLength(1);
  });
});
