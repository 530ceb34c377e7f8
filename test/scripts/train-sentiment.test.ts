import { describe, expect, it } from 'vitest';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_HEADLINE_LABELS,
} from '../../scripts/lib/sentiment-data.ts';
import {
  DEFAULT_IN_DOMAIN_WEIGHT,
  DEFAULT_INDOLEM_WEIGHT,
  DEFAULT_TRAIN_OPTIONS,
} from '../../scripts/lib/sentiment-pipeline.ts';
import { parseTrainArgs, TRAIN_HELP, TrainUsageError } from '../../scripts/train-sentiment.ts';

describe('train:sentiment arguments', () => {
  it('fills the defaults and tells a given --data apart', () => {
    expect(parseTrainArgs([])).toEqual({
      data: DEFAULT_DATA_DIR,
      dataGiven: false,
      feedback: undefined,
      posts: DEFAULT_GOV_POSTS,
      inDomainWeight: DEFAULT_IN_DOMAIN_WEIGHT,
      version: '2026.12.3',
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
