import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SentimentSchema } from '#shared/domain/mention.ts';
import type { EmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { classifyCommand } from '../../cli/commands/classify.ts';

async function run(lines: string[], model?: EmbeddedModel) {
  const input = Readable.from(lines.join('\n'));
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk) => {
    written += chunk;
  });
  const counts = await (model ? classifyCommand(input, output, model) : classifyCommand(input, output));
  return {
    counts,
    records: written
      .trim()
      .split('\n')
      .map((l) => JSON.parse(l) as Record<string, unknown>),
  };
}

describe('classifyCommand', () => {
  it('reads plain lines and JSON Lines, writes one result per line, reports bad lines and goes on', async () => {
    const { counts, records } = await run([
      'Pelayanan di kantor kecamatan sangat ramah dan cepat',
      '{"text":"Jalan di lembur abdi ruksak pisan, teu acan dioprek ku pamarentah","lang":"su"}',
      '{"text": 42}',
      '',
      '{broken',
      'The road in our village is badly damaged and still not repaired',
    ]);
    expect(counts).toEqual({ lines: 5, errors: 2 });
    expect(records).toHaveLength(5);
    const [first, second, bad, broken, english] = records;
    for (const ok of [first, second, english]) {
      expect(Object.keys(ok!).sort()).toEqual([
        'label',
        'lang',
        'line',
        'model',
        'modelVersion',
        'route',
        'scores',
      ]);
      expect(SentimentSchema.safeParse(ok).success).toBe(true);
    }
    expect(first).toMatchObject({ line: 1, lang: 'id', route: 'embedded', model: 'pantau-id' });
    expect(english).toMatchObject({ line: 6 });
    expect(second).toMatchObject({ lang: 'su', route: 'embedded' });
    expect(english).toMatchObject({ lang: 'en', route: 'comprehend' });
    expect(bad).toMatchObject({ line: 3 });
    expect(bad!['error']).toMatch(/text/);
    expect(broken).toMatchObject({ line: 5 });
    expect(broken!['error']).toMatch(/invalid JSON/);
  });

  it('passes the routed language to the model', async () => {
    const seen: string[] = [];
    const stub: EmbeddedModel = {
      name: 'stub',
      version: '1',
      classify: (_text, lang) => {
        seen.push(lang);
        return {
          label: 'NEUTRAL',
          scores: { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 },
          model: 'stub',
          modelVersion: '1',
        };
      },
    };
    const { counts } = await run(
      ['ok', 'Abdi resep pisan kana tuangeun di dieu, ngeunah sareng mirah'],
      stub,
    );
    expect(counts).toEqual({ lines: 2, errors: 0 });
    expect(seen).toEqual(['und', 'su']);
  });

  it('handles an empty stream', async () => {
    const output = new PassThrough();
    expect(await classifyCommand(Readable.from([]), output)).toEqual({ lines: 0, errors: 0 });
  });
});
