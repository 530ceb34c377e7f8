import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  DEFAULT_GOV_POSTS_4,
  DEFAULT_HEADLINE_LABELS,
} from '../../scripts/lib/sentiment-data.ts';
import {
  DEFAULT_IN_DOMAIN_WEIGHT,
  DEFAULT_INDOLEM_WEIGHT,
  DEFAULT_TRAIN_OPTIONS,
} from '../../scripts/lib/sentiment-pipeline.ts';
import {
  feedbackLogLine,
  parseTrainArgs,
  TRAIN_HELP,
  TrainUsageError,
} from '../../scripts/train-sentiment.ts';

describe('train:sentiment arguments', () => {
  it('fills the defaults and tells a given --data apart', () => {
    expect(parseTrainArgs([])).toEqual({
      data: DEFAULT_DATA_DIR,
      dataGiven: false,
      feedback: undefined,
      posts: DEFAULT_GOV_POSTS,
      socialPosts: [DEFAULT_GOV_POSTS, DEFAULT_GOV_POSTS_2, DEFAULT_GOV_POSTS_4],
      inDomainWeight: DEFAULT_IN_DOMAIN_WEIGHT,
      version: '2026.12.6',
      seed: DEFAULT_TRAIN_OPTIONS.seed,
      indolemWeight: DEFAULT_INDOLEM_WEIGHT,
      out: 'models',
      nusaTranslation: false,
      headlines: {
        labels: DEFAULT_HEADLINE_LABELS,
        texts: '../shared/data/replay/majalengka-real/mentions.jsonl',
      },
      dryRun: false,
      force: false,
    });
    const cli = parseTrainArgs([
      '--data',
      'd',
      '--feedback',
      'f.jsonl',
      '--version',
      '2026.12.1',
      '--seed',
      '4294967295',
      '--indolem-weight',
      '0.5',
      '--posts',
      'p.jsonl',
      '--in-domain-weight',
      '0',
      '--with-nusatranslation',
      '--dry-run',
    ]);
    expect(cli).toMatchObject({
      data: 'd',
      dataGiven: true,
      feedback: 'f.jsonl',
      version: '2026.12.1',
      seed: 4_294_967_295,
      indolemWeight: 0.5,
      posts: 'p.jsonl',
      inDomainWeight: 0,
      nusaTranslation: true,
      dryRun: true,
    });
  });

  it('takes --social-posts (repeated) or --no-social, not both', () => {
    expect(parseTrainArgs(['--social-posts', 'a.jsonl', '--social-posts', 'b.jsonl'])).toMatchObject({
      socialPosts: ['a.jsonl', 'b.jsonl'],
    });
    expect(parseTrainArgs(['--no-social'])).toMatchObject({ socialPosts: [] });
    expect(() => parseTrainArgs(['--no-social', '--social-posts', 'a.jsonl'])).toThrow(TrainUsageError);
  });

  it('has a --help', () => {
    expect(parseTrainArgs(['--help'])).toBe('help');
    expect(TRAIN_HELP).toMatch(/--indolem-weight <w>/);
  });

  it.each([
    [['--bogus'], /Unknown option/],
    [['stray'], /Unexpected argument/],
    [['--version', '2026-11'], /--version must look like/],
    [['--seed', 'abc'], /--seed must be an integer/],
    [['--seed', '1.5'], /--seed must be an integer/],
    [['--seed', '4294967296'], /--seed must be an integer/],
    [['--seed='], /--seed must be an integer/],
    [['--indolem-weight=-1'], /--indolem-weight must be a number ≥ 0/],
    [['--indolem-weight', 'x'], /--indolem-weight must be a number ≥ 0/],
    [['--data='], /--data needs a path/],
    [['--in-domain-weight=-3'], /--in-domain-weight must be a number ≥ 0/],
    [['--in-domain-weight', '1000000000'], /--in-domain-weight must be a number ≥ 0 and ≤ 100/],
    [['--indolem-weight', '1e2'], /written like 3 or 0.5, got 1e2/],
    [['--posts='], /--posts needs a path/],
  ])('refuses %j', (args, message) => {
    expect(() => parseTrainArgs(args)).toThrow(TrainUsageError);
    expect(() => parseTrainArgs(args)).toThrow(message);
  });

  it('derives the headline texts from --data, and --no-news drops the news decision', () => {
    expect(parseTrainArgs(['--data', '/x/data/sentiment'])).toMatchObject({
      headlines: { labels: DEFAULT_HEADLINE_LABELS, texts: '/x/data/replay/majalengka-real/mentions.jsonl' },
    });
    expect(parseTrainArgs(['--headline-texts', 'h.jsonl', '--headlines', 'l.jsonl'])).toMatchObject({
      headlines: { labels: 'l.jsonl', texts: 'h.jsonl' },
    });
    expect(parseTrainArgs(['--no-news'])).toMatchObject({ headlines: undefined });
    expect(() => parseTrainArgs(['--headlines', ''])).toThrow(TrainUsageError);
  });
});

describe('train:sentiment --feedback log line (QA 2026-12-01: MIXED lines were skipped silently)', () => {
  const dir = mkdtempSync(join(tmpdir(), 'pantau-train-feedback-'));
  const write = (name: string, labels: readonly string[]) => {
    const path = join(dir, name);
    writeFileSync(path, labels.map((label, i) => JSON.stringify({ text: `teks ${i}`, label })).join('\n'));
    return path;
  };

  it('says how many corrections train and which MIXED lines were skipped', () => {
    const path = write('some.jsonl', ['negative', 'MIXED', 'positive', 'mixed', 'neutral']);
    expect(feedbackLogLine(path, 3)).toBe(
      `train:sentiment: --feedback ${path}: 3 corrections train the model at weight 3; 2 MIXED lines skipped (lines 2, 4): the model has no mixed class`,
    );
    const one = write('one.jsonl', ['mixed', 'positive']);
    expect(feedbackLogLine(one, 3)).toBe(
      `train:sentiment: --feedback ${one}: 1 correction trains the model at weight 3; 1 MIXED line skipped (line 1): the model has no mixed class`,
    );
    const none = write('none.jsonl', ['positive']);
    expect(feedbackLogLine(none, 0.5)).toBe(
      `train:sentiment: --feedback ${none}: 1 correction trains the model at weight 0.5`,
    );
  });

  it('names the first ten skipped lines and counts them all', () => {
    const path = write(
      'many.jsonl',
      Array.from({ length: 12 }, () => 'MIXED'),
    );
    expect(feedbackLogLine(path, 3)).toBe(
      `train:sentiment: --feedback ${path}: 0 corrections train the model at weight 3; 12 MIXED lines skipped (lines 1, 2, 3, 4, 5, 6, 7, 8, 9, 10, …): the model has no mixed class`,
    );
  });

  it('says the file is not used at in-domain weight 0, without reading it', () => {
    const path = join(dir, 'not-json.jsonl');
    writeFileSync(path, 'not json');
    expect(feedbackLogLine(path, 0)).toBe(
      `train:sentiment: --feedback ${path} not used: --in-domain-weight 0 leaves feedback out`,
    );
  });
});
