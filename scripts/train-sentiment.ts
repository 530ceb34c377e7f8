/**
 * Train Pantau's embedded sentiment model and write `models/sentiment-id-<version>.json`.
 *
 *   npm run train:sentiment -- --data ../shared/data/sentiment [--feedback feedback.jsonl]
 *     [--posts scripts/data/gov-posts.jsonl] [--in-domain-weight 3]
 *     [--social-posts <file>]… [--no-social]
 *     [--version 2026.12.6] [--seed 20261130] [--indolem-weight 1] [--with-nusatranslation] [--out models]
 *     [--headlines scripts/data/majalengka-headlines.labels.jsonl] [--headline-texts <replay.jsonl>] [--no-news]
 *     [--dry-run] [--force]
 *
 * Deterministic: the same data, options and seed give a byte-identical file. Exits 0 with a message
 * when the default data folder is absent; bad arguments (a `--data` folder given but absent included) exit 2. After a new version, point `shared/domain/sentiment/index.ts` at it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { parseArgs } from 'node:util';
import {
  DEFAULT_DATA_DIR,
  DEFAULT_GOV_POSTS,
  DEFAULT_GOV_POSTS_2,
  DEFAULT_GOV_POSTS_4,
  DEFAULT_HEADLINE_LABELS,
  readFeedbackFile,
  SentimentDataError,
} from './lib/sentiment-data.ts';
import {
  DEFAULT_IN_DOMAIN_WEIGHT,
  DEFAULT_INDOLEM_WEIGHT,
  DEFAULT_TRAIN_OPTIONS,
  loadTrainingData,
  trainModel,
} from './lib/sentiment-pipeline.ts';

const DEFAULT_VERSION = '2026.12.6';

/**
 * Posts whose dev splits train the social block by default: both batches ("Eleventh attempt") and, since 2026.12.6,
 * gov-posts-4's sincere thanks and short replies ("Fourteenth attempt"), in this order.
 */
const DEFAULT_SOCIAL_POSTS = [DEFAULT_GOV_POSTS, DEFAULT_GOV_POSTS_2, DEFAULT_GOV_POSTS_4] as const;

/** `--help` text. */
export const TRAIN_HELP = `Usage: npm run train:sentiment -- [options]

Trains Pantau's embedded sentiment model and writes <out>/sentiment-id-<version>.json.

Options:
  --data <dir>              the sentiment/ data folder, default ${DEFAULT_DATA_DIR}; when the default is
                            absent the run is skipped (exit 0), a --data folder given but absent is an error
  --feedback <file>         analyst feedback, JSON Lines {"text","label","lang","domain"?} (training only);
                            lines with "domain":"social" train only the social block
  --posts <file>            labelled government-topic social posts; their dev split trains the general
                            block, default ${DEFAULT_GOV_POSTS}
  --social-posts <file>     labelled posts whose dev split trains the social block (repeat the option for
                            several files), default ${DEFAULT_SOCIAL_POSTS.join(', ')}
  --no-social               no social block (a format-1 file, every reading the general one)
  --in-domain-weight <w>    loss weight of the posts' dev split and of --feedback rows, 0 to 100
                            (0 leaves both out), default ${DEFAULT_IN_DOMAIN_WEIGHT}
  --version <v>             model version like 2026.11.2, default ${DEFAULT_VERSION}
  --seed <n>                integer 0..4294967295, default ${DEFAULT_TRAIN_OPTIONS.seed}
  --indolem-weight <w>      loss weight of IndoLEM train0, 0 to 100 (0 leaves it out), default ${DEFAULT_INDOLEM_WEIGHT}
  --with-nusatranslation    add NusaTranslation-Sundanese train (leaks IndoLEM test; see docs/model-card.md)
  --headlines <file>        labelled Majalengka headlines that fit the news decision (their dev split),
                            default ${DEFAULT_HEADLINE_LABELS}
  --headline-texts <file>   the headlines' texts, default <data>/../replay/majalengka-real/mentions.jsonl
  --no-news                 no news decision (every text read by the general rules, as up to 2026.11.2)
  --out <dir>               output folder, default models
  --dry-run                 train and print the size and sha256, write nothing
  --force                   overwrite an existing version file
  -h, --help                this text

Exit codes: 0 done or skipped, 2 bad arguments or a missing or malformed data file.
`;

/** A problem the caller can fix with other arguments; printed without a stack trace, exit code 2. */
export class TrainUsageError extends Error {
  override name = 'TrainUsageError';
}

/** Parsed `train:sentiment` options; `dataGiven` is true when `--data` was on the command line. */
export interface TrainCli {
  data: string;
  dataGiven: boolean;
  feedback: string | undefined;
  posts: string;
  /** Files whose dev splits train the social block; empty for `--no-social`. */
  socialPosts: readonly string[];
  inDomainWeight: number;
  version: string;
  seed: number;
  indolemWeight: number;
  out: string;
  nusaTranslation: boolean;
  /** Labelled headlines for the news decision, or undefined for `--no-news`. */
  headlines: { labels: string; texts: string } | undefined;
  dryRun: boolean;
  force: boolean;
}

const ARG_OPTIONS = {
  data: { type: 'string' },
  feedback: { type: 'string' },
  posts: { type: 'string', default: DEFAULT_GOV_POSTS },
  'social-posts': { type: 'string', multiple: true },
  'no-social': { type: 'boolean', default: false },
  'in-domain-weight': { type: 'string', default: String(DEFAULT_IN_DOMAIN_WEIGHT) },
  version: { type: 'string', default: DEFAULT_VERSION },
  'indolem-weight': { type: 'string', default: String(DEFAULT_INDOLEM_WEIGHT) },
  seed: { type: 'string', default: String(DEFAULT_TRAIN_OPTIONS.seed) },
  out: { type: 'string', default: 'models' },
  'with-nusatranslation': { type: 'boolean', default: false },
  headlines: { type: 'string', default: DEFAULT_HEADLINE_LABELS },
  'headline-texts': { type: 'string' },
  'no-news': { type: 'boolean', default: false },
  'dry-run': { type: 'boolean', default: false },
  force: { type: 'boolean', default: false },
  help: { type: 'boolean', short: 'h', default: false },
} as const;

function parseOrThrow(args: readonly string[]) {
  try {
    return parseArgs({ args: [...args], options: ARG_OPTIONS, strict: true, allowPositionals: false }).values;
  } catch (error) {
    throw new TrainUsageError((error as Error).message, { cause: error });
  }
}

/**
 * Parses the command line (`args` without the node and script entries). Checks only what needs no file
 * system: see {@link main} for the folder and file checks.
 * @returns the options, or `'help'` for `--help`/`-h`.
 * @throws TrainUsageError for an unknown option, a missing value, a positional argument, a `--version`
 * not like 2026.11.2, a `--seed` that is not an integer in 0..2^32−1, or an `--indolem-weight` that is not a
 * number ≥ 0.
 */
/** Largest loss weight accepted: far beyond any useful value, and small enough to keep AdaGrad finite. */
const MAX_LOSS_WEIGHT = 100;

/**
 * A loss weight given on the command line: a plain decimal number from 0 to {@link MAX_LOSS_WEIGHT}.
 * @throws TrainUsageError naming the option and the value.
 */
function lossWeight(option: string, value: string): number {
  const weight = Number(value);
  if (!/^\d*\.?\d+$/.test(value) || !Number.isFinite(weight) || weight > MAX_LOSS_WEIGHT) {
    throw new TrainUsageError(
      `${option} must be a number ≥ 0 and ≤ ${MAX_LOSS_WEIGHT}, written like 3 or 0.5, got ${value}`,
    );
  }
  return weight;
}

export function parseTrainArgs(args: readonly string[]): TrainCli | 'help' {
  const values = parseOrThrow(args);
  if (values.help) return 'help';
  if (!/^\d{4}\.\d{1,2}\.\d+$/.test(values.version)) {
    throw new TrainUsageError(`--version must look like 2026.11.2, got ${values.version}`);
  }
  const indolemWeight = lossWeight('--indolem-weight', values['indolem-weight']);
  const inDomainWeight = lossWeight('--in-domain-weight', values['in-domain-weight']);
  // mulberry32 takes a 32-bit unsigned seed; anything else would be silently truncated.
  const seed = Number(values.seed);
  if (!/^\d+$/.test(values.seed) || seed > 0xffff_ffff) {
    throw new TrainUsageError(`--seed must be an integer 0..4294967295, got ${values.seed}`);
  }
  for (const name of ['data', 'feedback', 'posts', 'out', 'headlines', 'headline-texts'] as const) {
    if (values[name] === '') throw new TrainUsageError(`--${name} needs a path`);
  }
  if (values['social-posts']?.includes('')) throw new TrainUsageError('--social-posts needs a path');
  if (values['no-social'] && values['social-posts'] !== undefined)
    throw new TrainUsageError('--social-posts and --no-social contradict each other');
  const data = values.data ?? DEFAULT_DATA_DIR;
  return {
    data,
    dataGiven: values.data !== undefined,
    feedback: values.feedback,
    posts: values.posts,
    socialPosts: values['no-social'] ? [] : (values['social-posts'] ?? [...DEFAULT_SOCIAL_POSTS]),
    inDomainWeight,
    version: values.version,
    seed,
    indolemWeight,
    out: values.out,
    nusaTranslation: values['with-nusatranslation'],
    headlines: values['no-news']
      ? undefined
      : {
          labels: values.headlines,
          texts:
            values['headline-texts'] ?? join(dirname(data), 'replay', 'majalengka-real', 'mentions.jsonl'),
        },
    dryRun: values['dry-run'],
    force: values.force,
  };
}

/** Most skipped line numbers named in the training log; the count is always whole. */
const MAX_LINES_NAMED = 10;

/**
 * The training-log line about a `--feedback` file: how many corrections train and how many MIXED lines
 * were skipped (with their line numbers, the first {@link MAX_LINES_NAMED}), or that the file is not
 * used when `inDomainWeight` is 0 (then it is not read).
 * @throws {SentimentDataError} on a malformed line (with its number), as training would.
 */
export function feedbackLogLine(path: string, inDomainWeight: number): string {
  if (inDomainWeight === 0)
    return `train:sentiment: --feedback ${path} not used: --in-domain-weight 0 leaves feedback out`;
  const { rows, skippedMixed } = readFeedbackFile(path);
  const social = rows.filter((r) => r.social === true).length;
  const general = rows.length - social;
  // Each group with its own weight (QA: "3 corrections train (weight 3; 1 … at weight 1)" read as a contradiction).
  const parts = [
    ...(general > 0 || social === 0
      ? [
          `${general} ${general === 1 ? 'correction trains' : 'corrections train'} the model at weight ${inDomainWeight}`,
        ]
      : []),
    ...(social > 0
      ? [
          `${social} from social sources ${social === 1 ? 'trains' : 'train'} only the social block, at weight 1`,
        ]
      : []),
  ];
  const trained = parts.join('; ');
  if (skippedMixed.length === 0) return `train:sentiment: --feedback ${path}: ${trained}`;
  const named = skippedMixed.slice(0, MAX_LINES_NAMED).join(', ');
  const more = skippedMixed.length > MAX_LINES_NAMED ? ', …' : '';
  const lines =
    skippedMixed.length === 1
      ? `1 MIXED line skipped (line ${named})`
      : `${skippedMixed.length} MIXED lines skipped (lines ${named}${more})`;
  return `train:sentiment: --feedback ${path}: ${trained}; ${lines}: the model has no mixed class`;
}

function main(args: readonly string[]): void {
  try {
    train(args);
  } catch (error) {
    if (error instanceof TrainUsageError || error instanceof SentimentDataError) {
      console.error(`train:sentiment: ${error.message}`);
      if (error instanceof TrainUsageError) console.error('(npm run train:sentiment -- --help for usage)');
      process.exitCode = 2;
      return;
    }
    throw error;
  }
}

function train(args: readonly string[]): void {
  const cli = parseTrainArgs(args);
  if (cli === 'help') {
    process.stdout.write(TRAIN_HELP);
    return;
  }
  if (!existsSync(cli.data)) {
    if (cli.dataGiven) throw new TrainUsageError(`--data ${cli.data}: no such folder`);
    console.log(`train:sentiment: data folder ${cli.data} not found; nothing to train (skipped).`);
    return;
  }
  if (cli.feedback !== undefined && !existsSync(cli.feedback)) {
    throw new TrainUsageError(`--feedback ${cli.feedback}: no such file`);
  }
  if (cli.inDomainWeight > 0 && !existsSync(cli.posts)) {
    throw new TrainUsageError(`--posts ${cli.posts}: no such file (or --in-domain-weight 0)`);
  }
  for (const path of cli.socialPosts) {
    if (!existsSync(path)) throw new TrainUsageError(`--social-posts ${path}: no such file (or --no-social)`);
  }
  if (cli.headlines !== undefined) {
    for (const [flag, path] of [
      ['--headlines', cli.headlines.labels],
      ['--headline-texts', cli.headlines.texts],
    ] as const) {
      if (!existsSync(path)) throw new TrainUsageError(`${flag} ${path}: no such file (or --no-news)`);
    }
  }
  const target = join(cli.out, `sentiment-id-${cli.version}.json`);
  if (!cli.dryRun && existsSync(target) && !cli.force) {
    throw new TrainUsageError(`${target} exists; versions are immutable (use a new --version, or --force)`);
  }

  if (cli.feedback !== undefined) console.log(feedbackLogLine(cli.feedback, cli.inDomainWeight));
  const data = loadTrainingData(cli.data, {
    feedback: cli.feedback,
    posts: cli.posts,
    inDomainWeight: cli.inDomainWeight,
    nusaTranslation: cli.nusaTranslation,
    indolemWeight: cli.indolemWeight,
    headlines: cli.headlines,
    socialPosts: cli.socialPosts,
  });
  const options = { ...DEFAULT_TRAIN_OPTIONS, seed: cli.seed };
  console.log(`train:sentiment: ${data.train.length} training texts`, data.counts);
  const result = trainModel(data, cli.version, options, () => performance.now());
  const json = `${JSON.stringify(result.file)}\n`;
  const sha256 = createHash('sha256').update(json).digest('hex');
  console.log(`train:sentiment: trained in ${Math.round(result.trainMs)} ms; decision`, result.file.decision);
  console.log('train:sentiment: valid macro-F1', result.validMacroF1);
  if (cli.dryRun) {
    console.log(`train:sentiment: dry run, ${json.length} bytes, sha256 ${sha256} (not written)`);
  } else {
    mkdirSync(cli.out, { recursive: true });
    writeFileSync(target, json);
    console.log(`train:sentiment: wrote ${target} (${json.length} bytes, sha256 ${sha256})`);
  }
}

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) main(process.argv.slice(2));
