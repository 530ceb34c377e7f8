/**
 * Checks against the public data in ../shared/data (skipped with a message when it is absent, e.g. on
 * a fresh clone). Kept small: SmSA test is 500 texts.
 */
import { existsSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { detectLanguage } from '#shared/domain/language.ts';
import { SparseBuffer } from '#shared/domain/sentiment/features.ts';
import { loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import {
  decodeWeightFile,
  referenceLogits,
  TokenCache,
  toDatasetClass,
} from '#shared/domain/sentiment/model.ts';
import weights from '../../../../models/sentiment-id-2026.12.6.json' with { type: 'json' };
import {
  DEFAULT_GOV_POSTS,
  DEFAULT_HEADLINE_LABELS,
  readGovPosts,
  readHeadlines,
  readNusax,
  readSmsa,
} from '../../../../scripts/lib/sentiment-data.ts';
import { createPeer } from '../../../../scripts/lib/sentiment-peer.ts';

const DATA = '../shared/data/sentiment';
const present = existsSync(DATA);
if (!present) console.log(`public-data.test: ${DATA} not found; skipping the data-backed checks.`);

describe.skipIf(!present)('on the public data', () => {
  it('beats the @nlpjs/lang-id peer on SmSA test macro-F1', async () => {
    const rows = readSmsa(DATA, 'test');
    const model = loadEmbeddedModel();
    const peer = await createPeer();
    const labels = ['negative', 'neutral', 'positive'];
    const pantau = rows.map((r) =>
      toDatasetClass(model.classify(r.text, detectLanguage(r.text, 'id').lang), false),
    );
    const peerVotes: string[] = [];
    for (const r of rows) peerVotes.push((await peer.analyze(r.text)).vote);
    const gold = rows.map((r) => r.label);
    const ours = classificationReport(gold, pantau, labels).macroF1;
    const theirs = classificationReport(gold, peerVotes, labels).macroF1;
    expect(ours).toBeGreaterThan(theirs);
  });

  it('scores real text identically on the fast path and the reference path', () => {
    const model = decodeWeightFile(weights);
    const cache = new TokenCache(model);
    const buffer = new SparseBuffer();
    const rows = [...readSmsa(DATA, 'valid').slice(0, 200), ...readNusax(DATA, 'sundanese', 'valid')];
    for (const r of rows) {
      const fast = cache.logits(r.text, r.lang);
      const reference = referenceLogits(model, r.text, r.lang, buffer);
      for (let c = 0; c < 3; c++) expect(fast[c]).toBeCloseTo(reference[c]!, 5);
    }
  });

  const headlineTexts = '../shared/data/replay/majalengka-real/mentions.jsonl';
  it.skipIf(!existsSync(headlineTexts))(
    'reads held-out Majalengka headlines better than the peer and than the review/post reading',
    async () => {
      const rows = readHeadlines(DEFAULT_HEADLINE_LABELS, headlineTexts, 'test');
      const model = loadEmbeddedModel();
      const peer = await createPeer();
      const labels = ['negative', 'neutral', 'positive'];
      const gold = rows.map((r) => r.label);
      const f1 = (predicted: string[]) => classificationReport(gold, predicted, labels).macroF1;
      const news = f1(rows.map((r) => toDatasetClass(model.classify(r.text, r.lang), false)));
      const general = f1(rows.map((r) => toDatasetClass(model.classify(r.text, r.lang, 'general'), false)));
      const votes: string[] = [];
      for (const r of rows) votes.push((await peer.analyze(r.text)).vote);
      expect(news).toBeGreaterThan(f1(votes));
      expect(news).toBeGreaterThan(general);
    },
  );
});

// The posts live in the repo, so this check runs without ../shared too.
describe('on the held-out government-topic posts (scripts/data/gov-posts.jsonl, test split)', () => {
  it('reads them better than the peer, as the pipeline reads social posts (genre general)', async () => {
    const rows = readGovPosts(DEFAULT_GOV_POSTS, 'test');
    const model = loadEmbeddedModel();
    const peer = await createPeer();
    const labels = ['negative', 'neutral', 'positive'];
    const gold = rows.map((r) => r.label);
    const ours = classificationReport(
      gold,
      rows.map((r) => toDatasetClass(model.classify(r.text, r.lang, 'general'), false)),
      labels,
    ).macroF1;
    const votes: string[] = [];
    for (const r of rows) votes.push((await peer.analyze(r.text)).vote);
    expect(ours).toBeGreaterThan(classificationReport(gold, votes, labels).macroF1);
  });

  it('was not trained on the test split: the shipped file counts only the dev split', () => {
    const dev = readGovPosts(DEFAULT_GOV_POSTS, 'dev').length;
    expect((weights.provenance.data as Record<string, number>)['gov-posts/dev']).toBe(dev);
  });
});
