import { createHash } from 'node:crypto';
import { existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { mentionId } from '#shared/domain/mention.ts';
import { canonicalUrl } from '#shared/domain/url.ts';
import {
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  notInTraining,
  notNearDuplicated,
  parseCsv,
  readFeedback,
  readFeedbackFile,
  readGovPosts,
  readHeadlines,
  readReviewTexts,
  SentimentDataError,
} from '../../../../scripts/lib/sentiment-data.ts';

describe('parseCsv', () => {
  it('handles quotes, doubled quotes, commas and newlines inside quotes, and CRLF', () => {
    expect(parseCsv('id,text,label\r\n1,"a, ""b""\nc",positive\n2,plain,neutral\n')).toEqual([
      ['id', 'text', 'label'],
      ['1', 'a, "b"\nc', 'positive'],
      ['2', 'plain', 'neutral'],
    ]);
  });
});

describe('notNearDuplicated', () => {
  it('drops candidates with token Jaccard ≥ 0.7 against any reference (hand-computed)', () => {
    const refs = [{ text: 'makanan enak harga murah tempat nyaman' }];
    const candidates = [
      // 6 shared tokens, 7 in the union → 0.86: near-duplicate
      {
        id: 'a',
        text: 'Makanan enak, harga murah, tempat nyaman sekali',
        label: 'positive' as const,
        lang: 'id',
      },
      // 4 shared, 7 in the union → 0.57: kept
      { id: 'b', text: 'makanan enak harga murah pelayanan', label: 'positive' as const, lang: 'id' },
      { id: 'c', text: 'jalan rusak parah', label: 'negative' as const, lang: 'id' },
    ];
    expect([...notNearDuplicated(candidates, refs)].sort()).toEqual(['b', 'c']);
  });
});

describe('readFeedback', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-feedback-'));

  it('reads {"text","label","lang"} lines, any label case, skipping MIXED and blank lines', () => {
    const path = join(dir, 'ok.jsonl');
    writeFileSync(
      path,
      [
        '{"text":"jalan rusak parah","label":"NEGATIVE","lang":"id"}',
        '',
        '{"text":"ngeunah pisan","label":"positive","lang":"su"}',
        '{"text":"campur aduk","label":"MIXED","lang":"id"}',
        '{"text":"rapat besok","label":"neutral"}',
      ].join('\n'),
    );
    expect(readFeedback(path).map((r) => [r.text, r.label, r.lang])).toEqual([
      ['jalan rusak parah', 'negative', 'id'],
      ['ngeunah pisan', 'positive', 'su'],
      ['rapat besok', 'neutral', 'id'],
    ]);
  });

  it('marks lines exported with domain "social" (they train only the social block); absent means general', () => {
    const path = join(dir, 'domain.jsonl');
    writeFileSync(
      path,
      [
        '{"text":"mantap jalannya kayak kolam","label":"negative","lang":"id","domain":"social"}',
        '{"text":"jalan rusak parah","label":"negative","lang":"id","domain":"general"}',
        '{"text":"rapat besok","label":"neutral"}',
      ].join('\n'),
    );
    expect(readFeedback(path).map((r) => r.social === true)).toEqual([true, false, false]);
    writeFileSync(path, '{"text":"x","label":"negative","domain":"forum"}');
    expect(() => readFeedback(path)).toThrow(SentimentDataError);
  });

  it('returns the line numbers of the MIXED lines it skipped, counting blank lines (QA 2026-12-01)', () => {
    const path = join(dir, 'mixed.jsonl');
    writeFileSync(
      path,
      [
        '{"text":"campur aduk","label":"MIXED","lang":"id"}',
        '',
        '{"text":"jalan rusak parah","label":"negative"}',
        '{"text":"bagus tapi mahal","label":"mixed"}',
        '',
      ].join('\n'),
    );
    const read = readFeedbackFile(path);
    expect(read.skippedMixed).toEqual([1, 4]);
    expect(read.rows.map((r) => [r.id, r.label])).toEqual([['feedback-3', 'negative']]);
    expect(readFeedback(path)).toEqual(read.rows);
  });

  it('names the line of a malformed record', () => {
    const path = join(dir, 'bad.jsonl');
    writeFileSync(path, '{"text":"a","label":"positive"}\n{"text":"b","label":"great"}\n');
    expect(() => readFeedback(path)).toThrow(SentimentDataError);
    expect(() => readFeedback(path)).toThrow(/bad\.jsonl:2/);
    // The field at fault is named (QA: a bad label only said "not a feedback line").
    expect(() => readFeedback(path)).toThrow(/bad\.jsonl:2: not a feedback line: label: /);
    writeFileSync(path, '{"text":"a","label":"positive"}\nnot json\n');
    expect(() => readFeedback(path)).toThrow(/bad\.jsonl:2: not a feedback line: not JSON/);
  });
});

describe('notInTraining', () => {
  const row = (id: string, text: string) => ({ id, text, label: 'positive' as const, lang: 'id' });
  const training = [
    row('t1', 'promo diskon makan di solaria http://ow.ly/JyOuw'),
    row('t2', 'kamar luas dan bersih sarapan enak'),
  ];

  it('drops rows sharing a URL (any case, trailing dot) or a near-duplicate text, keeps the rest', () => {
    const keep = notInTraining(
      [
        row('url', 'beda sekali teksnya HTTP://OW.LY/JYOUW.'),
        row('near', 'kamar luas dan bersih, sarapan enak!'),
        row('fresh', 'pelayanan kantor kecamatan lambat sekali'),
      ],
      training,
    );
    expect([...keep]).toEqual(['fresh']);
  });
});

describe('readHeadlines', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-headlines-'));
  const texts = join(dir, 'mentions.jsonl');
  const url = 'https://radarcirebon.disway.id/amp/1/longsor?utm_source=x';
  const id = mentionId(canonicalUrl(url));
  writeFileSync(
    texts,
    `${JSON.stringify({ url, title: 'Longsor Timpa Dua Rumah Warga Di Majalengka', lang: 'id' })}\n\n`,
  );

  it('joins labels to texts by mention id (canonical URL) and filters the split', () => {
    const labels = join(dir, 'ok.jsonl');
    writeFileSync(
      labels,
      `${JSON.stringify({ id, label: 'negative', confidence: 'clear', split: 'dev' })}\n`,
    );
    expect(readHeadlines(labels, texts, 'dev')).toEqual([
      {
        id,
        text: 'Longsor Timpa Dua Rumah Warga Di Majalengka',
        label: 'negative',
        lang: 'id',
        confidence: 'clear',
      },
    ]);
    expect(readHeadlines(labels, texts, 'test')).toEqual([]);
  });

  it('names the file and line of a bad label, an unknown id and a missing file', () => {
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ id, label: 'angry', confidence: 'clear', split: 'dev' })}\n`);
    expect(() => readHeadlines(bad, texts, 'all')).toThrow(/bad\.jsonl:1: not a headline label line/);
    const unknown = join(dir, 'unknown.jsonl');
    writeFileSync(
      unknown,
      `${JSON.stringify({ id: 'f'.repeat(32), label: 'neutral', confidence: 'clear', split: 'dev' })}\n`,
    );
    expect(() => readHeadlines(unknown, texts, 'all')).toThrow(/unknown\.jsonl:1: no headline with id f{32}/);
    expect(() => readHeadlines(join(dir, 'absent.jsonl'), texts, 'all')).toThrow(SentimentDataError);
  });
});

describe('readGovPosts', () => {
  it('reads the shipped government-topic posts: unique ids and texts, splits by the hash rule, both labels kept', () => {
    const all = readGovPosts(DEFAULT_GOV_POSTS, 'all');
    expect(all.length).toBe(300);
    expect(new Set(all.map((r) => r.id)).size).toBe(all.length);
    expect(new Set(all.map((r) => r.text)).size).toBe(all.length);
    for (const r of all) {
      const digit = Number.parseInt(
        createHash('sha256').update(`gov-post:${r.id}`).digest('hex')[0] ?? '',
        16,
      );
      expect(r.post.split).toBe(digit < 8 ? 'dev' : 'test');
    }
    const dev = readGovPosts(DEFAULT_GOV_POSTS, 'dev');
    const test = readGovPosts(DEFAULT_GOV_POSTS, 'test');
    expect(dev.length + test.length).toBe(all.length);
    expect(test.every((r) => r.post.split === 'test')).toBe(true);
    // Writer and labeller disagree on a few posts: both labels are kept, the labeller's is the reference.
    const agreed = all.filter((r) => r.post.writerLabel === r.label);
    expect(agreed.length).toBeLessThan(all.length);
    expect(agreed.length).toBeGreaterThan(0.9 * all.length);
  });

  it("reads the second writer's 300 posts, split by the same hash rule as the first batch", () => {
    const all = readGovPosts(DEFAULT_GOV_POSTS_2, 'all');
    expect(all).toHaveLength(300);
    for (const r of all) {
      const digit = Number.parseInt(
        createHash('sha256').update(`gov-post:${r.id}`).digest('hex')[0] ?? 'f',
        16,
      );
      expect(r.post.split).toBe(digit < 8 ? 'dev' : 'test');
    }
    expect(new Set(all.map((r) => r.id.slice(0, 1)))).toEqual(new Set(['q']));
  });

  it('names the line of a malformed post and a missing file', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-gov-'));
    const bad = join(dir, 'bad.jsonl');
    writeFileSync(bad, `${JSON.stringify({ id: 'p001', text: 'x', label: 'angry' })}\n`);
    expect(() => readGovPosts(bad, 'all')).toThrow(`${bad}:1: not a government-post line`);
    // The message says why (second QA pass): the bad label is named.
    expect(() => readGovPosts(bad, 'all')).toThrow(/label: /);
    expect(() => readGovPosts(join(dir, 'none.jsonl'), 'all')).toThrow(SentimentDataError);
    const empty = join(dir, 'empty.jsonl');
    writeFileSync(empty, '\n');
    expect(() => readGovPosts(empty, 'all')).toThrow(`${empty}: no government-post lines in it`);
    // A folder is a named data error (exit 2 in train:sentiment), not an EISDIR stack trace; so for feedback.
    expect(() => readGovPosts(dir, 'all')).toThrow(/cannot be read as a file \(EISDIR\)/);
    expect(() => readFeedback(dir)).toThrow(SentimentDataError);
  });
});

describe('readReviewTexts', () => {
  it('keeps only the texts whose writer and blind labeller agree, routed as Indonesian', () => {
    const dir = mkdtempSync(join(tmpdir(), 'pantau-reviews-'));
    const file = join(dir, 'reviews.jsonl');
    const line = (id: string, text: string, writerLabel: string, label: string) =>
      JSON.stringify({ id, text, domain: 'restaurant', writerLabel, label, confidence: 'clear' });
    writeFileSync(
      file,
      [
        line(
          'r001',
          'Restoran ini buka setiap hari mulai pukul sepuluh pagi sampai malam.',
          'neutral',
          'neutral',
        ),
        line(
          'r002',
          'Pelayanannya lambat sekali, kami menunggu satu jam untuk dua porsi nasi goreng.',
          'negative',
          'negative',
        ),
        line('r003', 'Harganya naik jadi dua puluh ribu mulai bulan depan.', 'negative', 'neutral'),
      ].join('\n'),
    );
    const rows = readReviewTexts(file);
    expect(rows.map((r) => [r.id, r.label, r.lang])).toEqual([
      ['r001', 'neutral', 'id'],
      ['r002', 'negative', 'id'],
    ]);
    writeFileSync(file, `${line('x1', 'teks', 'neutral', 'neutral')}\n`);
    expect(() => readReviewTexts(file)).toThrow(`${file}:1: not a review-text line: id: `);
  });

  it('reads the 400 texts in the repo, all agreed', () => {
    expect(readReviewTexts('scripts/data/review-texts.jsonl')).toHaveLength(400);
  });
});

describe('loadTrainingData with a posts file', () => {
  const data = '../shared/data/sentiment';
  it.skipIf(!existsSync(data))(
    'refuses a posts file with no dev-split post, which would train without them silently',
    async () => {
      const { loadTrainingData } = await import('../../../../scripts/lib/sentiment-pipeline.ts');
      const dir = mkdtempSync(join(tmpdir(), 'pantau-posts-'));
      const testOnly = join(dir, 'test-only.jsonl');
      const post = readGovPosts(DEFAULT_GOV_POSTS, 'test')[0]!.post;
      writeFileSync(testOnly, `${JSON.stringify(post)}\n`);
      expect(() => loadTrainingData(data, { posts: testOnly })).toThrow(
        `${testOnly}: no post in the dev split`,
      );
      // Weight 0 leaves the posts out, so their file is not read at all.
      expect(() => loadTrainingData(data, { posts: testOnly, inDomainWeight: 0 })).not.toThrow();
    },
  );
});
