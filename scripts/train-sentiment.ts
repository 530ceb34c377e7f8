/**
 * Train Pantau's embedded sentiment model and write `models/sentiment-id-<version>.json`.
 *
 *   npm run train:sentiment -- --data ../shared/data/sentiment [--feedback feedback.jsonl]
 *     [--version 2026.11.2] [--seed 20261130] [--indolem-weight 1] [--with-nusatranslation] [--out models]
 *     [--dry-run] [--force]
 *
 * Deterministic: the same data, options and seed give a byte-identical file. Exits 0 with a message
 * when the data folder is absent. After a new version, point `shared/domain/sentiment/index.ts` at it.
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseArgs } from 'node:util';
import { DEFAULT_DATA_DIR } from './lib/sentiment-data.ts';
import {
  DEFAULT_INDOLEM_WEIGHT,
  DEFAULT_TRAIN_OPTIONS,
  loadTrainingData,
  trainModel,
} from './lib/sentiment-pipeline.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    feedback: { type: 'string' },
    version: { type: 'string', default: '2026.11.2' },
    'indolem-weight': { type: 'string', default: String(DEFAULT_INDOLEM_WEIGHT) },
    seed: { type: 'string', default: String(DEFAULT_TRAIN_OPTIONS.seed) },
    out: { type: 'string', default: 'models' },
    'with-nusatranslation': { type: 'boolean', default: false },
    'dry-run': { type: 'boolean', default: false },
    force: { type: 'boolean', default: false },
  },
});

if (!existsSync(values.data)) {
  console.log(`train:sentiment: data folder ${values.data} not found; nothing to train (skipped).`);
  process.exit(0);
}
if (!/^\d{4}\.\d{1,2}\.\d+$/.test(values.version)) {
  console.error(`train:sentiment: --version must look like 2026.11.2, got ${values.version}`);
  process.exit(2);
}
const indolemWeight = Number(values['indolem-weight']);
if (!Number.isFinite(indolemWeight) || indolemWeight < 0) {
  console.error(`train:sentiment: --indolem-weight must be a number ≥ 0, got ${values['indolem-weight']}`);
  process.exit(2);
}
const target = join(values.out, `sentiment-id-${values.version}.json`);
if (!values['dry-run'] && existsSync(target) && !values.force) {
  console.error(
    `train:sentiment: ${target} exists; versions are immutable (use a new --version, or --force)`,
  );
  process.exit(2);
}

const data = loadTrainingData(values.data, {
  feedback: values.feedback,
  nusaTranslation: values['with-nusatranslation'],
  indolemWeight,
});
const options = { ...DEFAULT_TRAIN_OPTIONS, seed: Number(values.seed) };
console.log(`train:sentiment: ${data.train.length} training texts`, data.counts);
const result = trainModel(data, values.version, options, () => performance.now());
const json = `${JSON.stringify(result.file)}\n`;
const sha256 = createHash('sha256').update(json).digest('hex');
console.log(`train:sentiment: trained in ${Math.round(result.trainMs)} ms; decision`, result.file.decision);
console.log('train:sentiment: valid macro-F1', result.validMacroF1);
if (values['dry-run']) {
  console.log(`train:sentiment: dry run, ${json.length} bytes, sha256 ${sha256} (not written)`);
} else {
  mkdirSync(values.out, { recursive: true });
  writeFileSync(target, json);
  console.log(`train:sentiment: wrote ${target} (${json.length} bytes, sha256 ${sha256})`);
}
