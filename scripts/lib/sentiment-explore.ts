/**
 * Valid-only exploration harness for adding IndoLEM train0 (binary, partial-label loss) to the
 * training recipe (see `docs/model-card.md`, "Third attempt"). Vectorises the base data and IndoLEM
 * train0 once, then trains each variant (IndoLEM weight × whether NB ratios count the binary rows),
 * and scores the valid groups under two calibrations: the shipped one (SmSA, NusaX-ind, NusaX-sun
 * valid) and one that adds IndoLEM dev0 and also fits a positive-logit bias. Test splits are never read.
 *
 *   npx tsx scripts/lib/sentiment-explore.ts [--weights 0,0.5,1,2] [--nb-binary both|on|off]
 *     [--seeds 1] [--full-loss] [--nusatranslation-pinned] [--data ../shared/data/sentiment]
 *
 * About 15 s per variant and seed (plus 20 s of vectorising) on a shared 2-core machine. Exits 0 with a message when the data
 * folder is absent.
 */
import { existsSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { SparseBuffer } from '#shared/domain/sentiment/features.ts';
import { classificationReport } from '#shared/domain/sentiment/metrics.ts';
import {
  calibratedProbabilities,
  type Decision,
  decide,
  referenceLogits,
  toDatasetClass,
} from '#shared/domain/sentiment/model.ts';
import {
  averageModels,
  type CalibrationGroup,
  fitDecision,
  quantizedModel,
  scoreDecision,
  trainLinear,
  type Vectorized,
  vectorize,
} from '#shared/domain/sentiment/train.ts';
import { DEFAULT_DATA_DIR, readIndolem, readNusaTranslationSun, urlsOf } from './sentiment-data.ts';
import { DEFAULT_TRAIN_OPTIONS, loadTrainingData } from './sentiment-pipeline.ts';

const { values } = parseArgs({
  options: {
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    weights: { type: 'string', default: '0,1' },
    'nb-binary': { type: 'string', default: 'off' },
    seeds: { type: 'string', default: '1' },
    'full-loss': { type: 'boolean', default: false },
    'nusatranslation-pinned': { type: 'boolean', default: false },
  },
});
if (!existsSync(values.data)) {
  console.log(`sentiment-explore: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}

const base = loadTrainingData(values.data);
const indolem = readIndolem(values.data, 'train0');
const features = DEFAULT_TRAIN_OPTIONS.features;
const baseVectors = vectorize(base.train, features);
// --full-loss: the contrast that shows why the partial-label loss is needed (binary rows as 3-class rows).
// --nusatranslation-pinned: the NusaTranslation-Sundanese train rows that are leak-free by
// construction: each of their URLs occurs in IndoLEM train0 and in neither dev0 nor test0 (text
// matching cannot pin the rest; see sentiment-overlap.ts).
const heldOutUrls = new Set(
  [...readIndolem(values.data, 'dev0'), ...readIndolem(values.data, 'test0')].flatMap((r) => urlsOf(r.text)),
);
const trainUrls = new Set(indolem.flatMap((r) => urlsOf(r.text)));
const pinned = values['nusatranslation-pinned']
  ? readNusaTranslationSun(values.data, 'train').filter((r) => {
      const urls = urlsOf(r.text);
      return urls.length > 0 && urls.every((u) => trainUrls.has(u) && !heldOutUrls.has(u));
    })
  : [];
if (pinned.length > 0)
  console.log(`sentiment-explore: ${pinned.length} NusaTranslation rows pinned to train0`);
const indolemVectors = vectorize(
  [...indolem, ...pinned].map((r) => ({ ...r, binary: !values['full-loss'] })),
  features,
);

/** Concatenate two vectorised sets, scaling the second one's loss weights by `weight`. */
function concat(a: Vectorized, b: Vectorized, weight: number): Vectorized {
  if (weight === 0) return a;
  const offsets = new Int32Array(a.size + b.size + 1);
  offsets.set(a.offsets);
  const shift = a.offsets[a.size]!;
  for (let i = 1; i <= b.size; i++) offsets[a.size + i] = b.offsets[i]! + shift;
  const cat = <T extends Int32Array | Float32Array | Uint8Array>(x: T, y: T, make: (n: number) => T): T => {
    const out = make(x.length + y.length);
    out.set(x);
    out.set(y, x.length);
    return out;
  };
  return {
    offsets,
    index: cat(a.index, b.index, (n) => new Int32Array(n)),
    value: cat(a.value, b.value, (n) => new Float32Array(n)),
    labels: cat(a.labels, b.labels, (n) => new Uint8Array(n)),
    weights: cat(
      a.weights,
      b.weights.map((w) => w * weight),
      (n) => new Float32Array(n),
    ),
    binary: cat(a.binary, b.binary, (n) => new Uint8Array(n)),
    size: a.size + b.size,
  };
}

/** Fit the neutral rules as shipped, then (optionally) a positive-logit bias on the same groups. */
function fitWithPolarBias(groups: readonly CalibrationGroup[]): Decision {
  const first = fitDecision(groups);
  let best = first;
  let bestScore = scoreDecision(groups, first);
  for (let b = -0.6; b <= 0.6001; b += 0.1) {
    for (let nb = -1; nb <= 2.0001; nb += 0.1) {
      for (let band = 0; band <= 0.5001; band += 0.05) {
        const candidate: Decision = {
          ...first,
          classBias: [0, Math.round(nb * 100) / 100, Math.round(b * 100) / 100],
          neutralBand: Math.round(band * 100) / 100,
        };
        const score = scoreDecision(groups, candidate);
        if (score > bestScore + 1e-9) {
          bestScore = score;
          best = candidate;
        }
      }
    }
  }
  return best;
}

const weights = values.weights.split(',').map(Number);
const nbModes = values['nb-binary'] === 'both' ? [false, true] : [values['nb-binary'] === 'on'];
const seeds = Number(values.seeds);
const buffer = new SparseBuffer();
const plain = { temperature: 1, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 };
const short = (name: string) => name.replace('nusax/', '').replace('/valid', '');

for (const weight of weights) {
  for (const nbBinary of weight === 0 ? [false] : nbModes) {
    const started = performance.now();
    const data = concat(baseVectors, indolemVectors, weight);
    const options = { ...DEFAULT_TRAIN_OPTIONS, nbBinary };
    const model = averageModels(
      Array.from({ length: seeds }, (_, k) => trainLinear(data, { ...options, seed: options.seed + k })),
    );
    const q = quantizedModel(model, 'explore', 'explore', plain);
    const groups = base.valid.map((v) => ({
      name: v.name,
      logits: v.rows.map((r) => referenceLogits(q, r.text, r.lang, buffer)),
      gold: v.rows.map((r) => r.label),
      classes: v.classes,
      calibrate: v.calibrate ?? true,
    }));
    const standard = groups.filter((g) => g.calibrate);
    const dev0 = groups.find((g) => g.name === 'indolem/dev0')!;
    for (const [calibration, decision] of [
      ['std', fitDecision(standard)],
      ['+dev0,pos-bias', fitWithPolarBias([...standard, dev0])],
    ] as const) {
      const scores = groups.map((g) => `${short(g.name)} ${scoreDecision([g], decision).toFixed(3)}`);
      const mean = scoreDecision(standard, decision);
      const devPred = dev0.logits.map((z) =>
        toDatasetClass(decide(calibratedProbabilities(z, decision), decision), true),
      );
      const devMatrix = classificationReport(dev0.gold, devPred, ['negative', 'positive']).matrix;
      console.log(
        `indolem×${weight}${values['full-loss'] ? ' full-loss' : ''}${pinned.length > 0 ? ' +NusaTranslation pinned' : ''} nbBinary=${nbBinary} seeds=${seeds} ${calibration}: valid mean ${mean.toFixed(3)} | ${scores.join(' | ')}`,
        `| dev0 confusion ${JSON.stringify(devMatrix)} | T=${decision.temperature} bias=${JSON.stringify(decision.classBias)} band=${decision.neutralBand}`,
        `| ${Math.round((performance.now() - started) / 1000)} s`,
      );
    }
  }
}
