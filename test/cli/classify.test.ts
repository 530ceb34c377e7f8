import { PassThrough, Readable } from 'node:stream';
import { describe, expect, it } from 'vitest';
import { SentimentSchema } from '#shared/domain/mention.ts';
import type { EmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { classifyCommand } from '../../cli/commands/classify.ts';

async function run(lines: string[], model?: EmbeddedModel, genre?: 'auto' | 'news' | 'general' | 'social') {
  const input = Readable.from(lines.join('\n'));
  const output = new PassThrough();
  let written = '';
  output.on('data', (chunk) => {
    written += chunk;
  });
  const counts = await (model
    ? classifyCommand(input, output, model, genre)
    : classifyCommand(input, output));
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
    expect(counts).toEqual({ lines: 5, errors: 2, cut: 0, comprehendRouted: 1 });
    expect(records).toHaveLength(5);
    const [first, second, bad, broken, english] = records;
    for (const ok of [first, second, english]) {
      expect(Object.keys(ok!).sort()).toEqual([
        'genre',
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

  it("reads Title Case headlines as news under auto, and obeys --genre and a line's own genre", async () => {
    const asked: (string | undefined)[] = [];
    const model: EmbeddedModel = {
      name: 'm',
      version: '1',
      classify: (_text, _lang, genre) => {
        asked.push(genre);
        return {
          label: 'NEUTRAL',
          scores: { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 },
          model: 'm',
          modelVersion: '1',
        };
      },
    };
    const lines = [
      'Banjir Rendam Tiga Desa Di Majalengka',
      'banjir lagi di desa kami',
      '{"text":"banjir lagi di desa kami","genre":"news"}',
    ];
    const auto = await run(lines, model, 'auto');
    expect(asked).toEqual(['auto', 'auto', 'news']);
    expect(auto.records.map((r) => r['genre'])).toEqual(['news', 'general', 'news']);
    asked.length = 0;
    const general = await run(lines, model, 'general');
    expect(asked).toEqual(['general', 'general', 'news']);
    expect(general.records.map((r) => r['genre'])).toEqual(['general', 'general', 'news']);
    asked.length = 0;
    const social = await run([...lines, '{"text":"Mantap Jalannya","genre":"social"}'], model, 'social');
    expect(asked).toEqual(['social', 'social', 'news', 'social']);
    expect(social.records.map((r) => r['genre'])).toEqual(['social', 'social', 'news', 'social']);
    const bad = await run(['{"text":"x","genre":"opini"}'], model);
    expect(bad.records[0]!['error']).toMatch(/genre/);
    // null means "not given" (QA): the --genre default applies, and a null lang is routed as if absent.
    asked.length = 0;
    const nulls = await run(
      ['{"text":"banjir lagi di desa kami","genre":null,"lang":null}'],
      model,
      'general',
    );
    expect(nulls.records[0]!['error']).toBeUndefined();
    expect(asked).toEqual(['general']);
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
    expect(counts).toEqual({ lines: 2, errors: 0, cut: 0, comprehendRouted: 0 });
    expect(seen).toEqual(['und', 'su']);
  });

  it('handles an empty stream', async () => {
    const output = new PassThrough();
    expect(await classifyCommand(Readable.from([]), output)).toEqual({
      lines: 0,
      errors: 0,
      cut: 0,
      comprehendRouted: 0,
    });
  });
});

describe('classifyCommand input rules', () => {
  async function runBytes(chunks: (Buffer | string)[], model?: EmbeddedModel) {
    const output = new PassThrough();
    let written = '';
    output.on('data', (chunk) => {
      written += chunk;
    });
    const counts = await (model
      ? classifyCommand(Readable.from(chunks), output, model)
      : classifyCommand(Readable.from(chunks), output));
    const records = written
      .split('\n')
      .filter((l) => l !== '')
      .map((l) => JSON.parse(l) as Record<string, unknown>);
    return { counts, records };
  }
  const seenLengths: number[] = [];
  const lengthStub: EmbeddedModel = {
    name: 'stub',
    version: '1',
    classify: (text) => {
      seenLengths.push(text.length);
      return {
        label: 'NEUTRAL',
        scores: { Positive: 0, Negative: 0, Neutral: 1, Mixed: 0 },
        model: 'stub',
        modelVersion: '1',
      };
    },
  };

  it('cuts a long text to the same length whether it came as plain text or as JSON', async () => {
    seenLengths.length = 0;
    const long = 'jalan rusak '.repeat(100_000).trim(); // ~1.2 MB
    const { counts, records } = await runBytes([`${long}\n${JSON.stringify({ text: long })}\n`], lengthStub);
    expect(counts).toEqual({ lines: 2, errors: 0, cut: 2, comprehendRouted: 0 });
    expect(records.map((r) => r['error'])).toEqual([undefined, undefined]);
    // MAX_TEXT_LENGTH is 10,000: 833 × "jalan rusak " (12 units) = 9,996, then "jala" — no blank to trim.
    expect(seenLengths).toEqual([10_000, 10_000]);
  });

  it('answers binary and invalid UTF-8 lines with an error object, and keeps emoji and other scripts', async () => {
    const { counts, records } = await runBytes(
      [
        Buffer.from([0x63, 0x61, 0x66, 0xe9, 0x20, 0x65, 0x6e, 0x61, 0x6b, 0x0a]), // "café enak" in Latin-1
        Buffer.concat([Buffer.from('\x7fELF\x02\x01\x01\x00\x00\x00'), Buffer.from('\n')]),
        Buffer.from('\x01\x02\x03\x04abc\n'), // 4 of 7 characters are control characters
        Buffer.from('Mantap pelayanannya 👍🏽 terima kasih 🙏\n'),
        Buffer.from('マジャレンカ 空港\r\n'),
        Buffer.from('\uFEFFbaris dengan BOM\tdan tab\n'),
      ],
      lengthStub,
    );
    // The Japanese line is routed to Comprehend (scored here anyway, and counted for the warning).
    expect(counts).toEqual({ lines: 6, errors: 3, cut: 0, comprehendRouted: 1 });
    expect(records[0]).toEqual({ error: 'not valid UTF-8 text', line: 1 });
    expect(records[1]).toEqual({ error: 'not text: contains NUL characters', line: 2 });
    expect(records[2]).toEqual({ error: 'not text: mostly control or replacement characters', line: 3 });
    for (const ok of records.slice(3)) expect(ok['label']).toBe('NEUTRAL');
  });

  it('holds a JSON text to the same rules as a raw line: not empty, no NUL, no lone surrogate', async () => {
    const { counts, records } = await runBytes(
      [
        Buffer.from('{"text":""}\n'),
        Buffer.from('{"text":"   "}\n'),
        Buffer.from('{"text":"jalan\\u0000rusak"}\n'),
        Buffer.from('{"text":"jalan \\ud800 rusak"}\n'),
        Buffer.from('{"text":"jalan rusak 👍🏽"}\n'),
      ],
      lengthStub,
    );
    expect(counts).toEqual({ lines: 5, errors: 4, cut: 0, comprehendRouted: 0 });
    expect(records.map((r) => r['error'])).toEqual([
      'text: empty text',
      'text: empty text',
      'not text: contains NUL characters',
      'not valid Unicode: contains a lone surrogate',
      undefined,
    ]);
  });

  it('answers a line with no visible text like an empty JSON text, keeps numbering, goes on (QA 5)', async () => {
    const { counts, records } = await runBytes(
      [
        Buffer.from('\u200b\u200b\n'),
        Buffer.from('\n'),
        Buffer.from('\u2060\u00ad \u200d\ufe0f\n'),
        Buffer.from('{"text":"\\u200b\\u200c"}\n'),
        Buffer.from('{"text":""}\n'),
        Buffer.from('jalan\u200brusak\n'),
        Buffer.from('\u3164\n'),
      ],
      lengthStub,
    );
    // Line 2 is blank: skipped, not counted, but numbered. Line 6 has visible text around its zero-width space.
    expect(counts).toEqual({ lines: 6, errors: 5, cut: 0, comprehendRouted: 0 });
    expect(records.map((r) => [r['line'], r['error'] ?? 'scored'])).toEqual([
      [1, 'text: empty text'],
      [3, 'text: empty text'],
      [4, 'text: empty text'],
      [5, 'text: empty text'],
      [6, 'scored'],
      [7, 'text: empty text'],
    ]);
  });

  it('answers a line of blanks (spaces, tab, U+00A0, U+3000) with the same error; only an empty line is skipped (second QA pass)', async () => {
    const { counts, records } = await runBytes(
      [
        Buffer.from('   \n'),
        Buffer.from('\t\u00a0\u3000\r\n'),
        Buffer.from('\r\n'),
        Buffer.from('\ufeff\n'),
        Buffer.from('jalan rusak\n'),
      ],
      lengthStub,
    );
    expect(counts).toEqual({ lines: 3, errors: 2, cut: 0, comprehendRouted: 0 });
    expect(records.map((r) => [r['line'], r['error'] ?? 'scored'])).toEqual([
      [1, 'text: empty text'],
      [2, 'text: empty text'],
      [5, 'scored'],
    ]);
  });

  it('splits lines across chunk boundaries without breaking a multi-byte character', async () => {
    const bytes = Buffer.from('Pelayanan ramah 😊\nJalan rusak parah\n');
    // Cut inside the 4-byte emoji.
    const { counts, records } = await runBytes([bytes.subarray(0, 18), bytes.subarray(18)], lengthStub);
    expect(counts).toEqual({ lines: 2, errors: 0, cut: 0, comprehendRouted: 0 });
    expect(records.map((r) => r['line'])).toEqual([1, 2]);
  });

  it('reports no lines for empty input', async () => {
    expect((await runBytes([], lengthStub)).counts).toEqual({
      lines: 0,
      errors: 0,
      cut: 0,
      comprehendRouted: 0,
    });
  });
});
