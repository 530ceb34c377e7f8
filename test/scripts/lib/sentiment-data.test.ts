import { mkdirSync, mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import {
  DEFAULT_GOV_POSTS_3,
  DEFAULT_GOV_POSTS_4,
  DEFAULT_GOV_POSTS_5,
  readGovPosts,
  readIndolem,
  readNusax,
  readSmsa,
  SentimentDataError,
} from '../../../scripts/lib/sentiment-data.ts';

const dir = mkdtempSync(path.join(tmpdir(), 'pantau-sentiment-data-'));
afterAll(() => rmSync(dir, { recursive: true, force: true }));

function put(rel: string, text: string): void {
  mkdirSync(path.dirname(path.join(dir, rel)), { recursive: true });
  writeFileSync(path.join(dir, rel), text);
}

describe('sentiment data readers: error messages name the file and place', () => {
  it('a missing file points at the layout', () => {
    expect(() => readSmsa(path.join(dir, 'none'), 'test')).toThrow(
      /missing data file .*smsa\/test\.tsv \(layout:/,
    );
  });

  it('a bad SmSA label names its real line, blank lines counted, and ids stay per data row', () => {
    put('smsa/valid.tsv', 'bagus\tpositive\n\njelek\tnegative\n');
    expect(readSmsa(dir, 'valid').map((r) => r.id)).toEqual(['smsa-valid-0', 'smsa-valid-1']);
    put('smsa/test.tsv', 'bagus\tpositive\n\n\njelek\tnegatif\n');
    let error: unknown;
    try {
      readSmsa(dir, 'test');
    } catch (e) {
      error = e;
    }
    expect(error).toBeInstanceOf(SentimentDataError);
    expect((error as Error).message).toBe(
      `${path.join(dir, 'smsa', 'test.tsv')}:4: label "negatif" is not negative, neutral or positive`,
    );
  });

  it('a bad NusaX label names the data row; a wrong header names the file', () => {
    put('nusax/indonesian/test.csv', 'id,text,label\n1,bagus,positive\n2,jelek,bad\n');
    expect(() => readNusax(dir, 'indonesian', 'test')).toThrow(
      /indonesian\/test\.csv: data row 2: label "bad"/,
    );
    put('indolem-mit/test0.csv', 'indo,minang,sentiment\nx,y,1\n');
    expect(() => readIndolem(dir, 'test0')).toThrow(/indolem-mit\/test0\.csv: unexpected CSV header/);
  });

  it('an IndoLEM sentiment other than 0 or 1 is an error, not a negative row', () => {
    put('indolem-mit/dev0.csv', 'minang,indo,sentiment\na,bagus,1\nb,jelek,0\n');
    expect(readIndolem(dir, 'dev0').map((r) => r.label)).toEqual(['positive', 'negative']);
    put('indolem-mit/train0.csv', 'minang,indo,sentiment\na,bagus,1\nb,jelek,positif\n');
    expect(() => readIndolem(dir, 'train0')).toThrow(
      /train0\.csv: data row 2: sentiment must be 0 or 1, got "positif"/,
    );
  });
});

describe('gov-posts-3, the robustness set (model card, "Twelfth attempt")', () => {
  it('holds the composition fixed before writing: 60 thanks, 50 neutral, 50 complaints, 40 sarcastic, all test', () => {
    const all = readGovPosts(DEFAULT_GOV_POSTS_3, 'all');
    expect(all).toHaveLength(200);
    expect(readGovPosts(DEFAULT_GOV_POSTS_3, 'dev')).toHaveLength(0);
    expect(new Set(all.map((r) => r.text)).size).toBe(200);
    const strata: Record<string, number> = {};
    const labelOf: Record<string, Set<string>> = {};
    for (const r of all) {
      const stratum = r.post.note ?? '';
      strata[stratum] = (strata[stratum] ?? 0) + 1;
      labelOf[stratum] ??= new Set();
      labelOf[stratum].add(r.label);
    }
    expect(strata).toEqual({
      'stratum: thanks': 60,
      'stratum: neutral': 50,
      'stratum: complaint': 50,
      'stratum: sarcasm': 40,
    });
    expect(labelOf).toEqual({
      'stratum: thanks': new Set(['positive']),
      'stratum: neutral': new Set(['neutral']),
      'stratum: complaint': new Set(['negative']),
      'stratum: sarcasm': new Set(['negative']),
    });
  });
});

describe('gov-posts-4, thanks and short replies (model card, "Thirteenth attempt")', () => {
  it('holds 80 thanks, 80 neutral, 40 complaints, 40 sarcastic; s001-s160 dev, s161-s240 test, strata in both', () => {
    const all = readGovPosts(DEFAULT_GOV_POSTS_4, 'all');
    expect(all).toHaveLength(240);
    expect(new Set(all.map((r) => r.text)).size).toBe(240);
    const dev = readGovPosts(DEFAULT_GOV_POSTS_4, 'dev');
    const test = readGovPosts(DEFAULT_GOV_POSTS_4, 'test');
    expect(dev.map((r) => r.id)).toEqual(
      Array.from({ length: 160 }, (_, i) => `s${String(i + 1).padStart(3, '0')}`),
    );
    expect(test.map((r) => r.id)).toEqual(
      Array.from({ length: 80 }, (_, i) => `s${String(i + 161).padStart(3, '0')}`),
    );
    const count = (rows: typeof all) => {
      const out: Record<string, number> = {};
      for (const r of rows) out[`${r.post.note}/${r.label}`] = (out[`${r.post.note}/${r.label}`] ?? 0) + 1;
      return out;
    };
    expect(count(all)).toEqual({
      'stratum: thanks/positive': 80,
      'stratum: neutral/neutral': 80,
      'stratum: complaint/negative': 40,
      'stratum: sarcasm/negative': 40,
    });
    // Each stratum's dev share within a post of two thirds (160 / 240).
    const devCount = count(dev);
    for (const [key, n] of Object.entries(count(all)))
      expect(Math.abs((devCount[key] ?? 0) - (n * 2) / 3)).toBeLessThan(1);
  });
});

describe('gov-posts-5, fresh held-out posts (model card, "Fourteenth attempt")', () => {
  it('holds 45 thanks, 55 neutral, 30 complaints, 30 sarcastic; t001-t160, all test', () => {
    const all = readGovPosts(DEFAULT_GOV_POSTS_5, 'all');
    expect(all.map((r) => r.id)).toEqual(
      Array.from({ length: 160 }, (_, i) => `t${String(i + 1).padStart(3, '0')}`),
    );
    expect(readGovPosts(DEFAULT_GOV_POSTS_5, 'dev')).toHaveLength(0);
    expect(new Set(all.map((r) => r.text)).size).toBe(160);
    const count: Record<string, number> = {};
    for (const r of all) count[`${r.post.note}/${r.label}`] = (count[`${r.post.note}/${r.label}`] ?? 0) + 1;
    expect(count).toEqual({
      'stratum: thanks/positive': 45,
      'stratum: neutral/neutral': 55,
      'stratum: complaint/negative': 30,
      'stratum: sarcasm/negative': 30,
    });
  });

  it('accepts t ids and still rejects an id outside p, q, r, s, t', () => {
    const line = (id: string) =>
      `${JSON.stringify({ id, text: 'jalan sudah diperbaiki', writtenAs: 'id', kind: 'road', writerLabel: 'positive', label: 'positive', confidence: 'clear', split: 'test' })}\n`;
    put('posts-t.jsonl', line('t160'));
    expect(readGovPosts(path.join(dir, 'posts-t.jsonl'), 'test').map((r) => r.id)).toEqual(['t160']);
    put('posts-u.jsonl', line('u001'));
    expect(() => readGovPosts(path.join(dir, 'posts-u.jsonl'), 'all')).toThrow(SentimentDataError);
  });
});
