/**
 * Training of the hashed linear sentiment model: multinomial logistic regression fitted by seeded
 * AdaGrad SGD, optionally with naive-Bayes feature scaling (NBSVM, Wang & Manning 2012), then int8
 * quantisation and decision calibration on held-out data. Deterministic: same examples, options and
 * seed give byte-identical weights (one thread, fixed order from a seeded PRNG).
 *
 * Not imported by the Lambda path (`index.ts`); used by `scripts/train-sentiment.ts` and tests.
 */

import { mulberry32 } from '../random.ts';
import {
  extractFeatures,
  type FeatureConfig,
  type LexiconCounts,
  type SocialCopy,
  SparseBuffer,
  socialBucket,
} from './features.ts';
import { classificationReport } from './metrics.ts';
import {
  CLASSES,
  calibratedProbabilities,
  type Decision,
  decide,
  encodeBase64,
  type LinearModel,
  type NewsDecision,
  NUM_CLASSES,
  quantize,
  referenceLogits,
  type SentimentClass,
  type SocialBlock,
  toDatasetClass,
  verdictFor,
  type WeightFile,
} from './model.ts';
import { prepareTokens } from './text.ts';

/** One labelled text. */
export interface TrainingExample {
  readonly text: string;
  readonly label: SentimentClass;
  /** Routed language (`id`, `su`, `jv` …); selects negators and lexicon entries. */
  readonly lang: string;
  /** Loss weight (e.g. > 1 for in-domain analyst feedback). @default 1 */
  readonly weight?: number;
  /**
   * True for a row from a binary (negative/positive) source such as IndoLEM. It trains with the
   * partial-label loss −log(e^{z_y} / (e^{z_neg} + e^{z_pos})): the softmax restricted to the two
   * polar logits, so the neutral logit gets no gradient and the row cannot teach that nothing is
   * neutral. @default false
   */
  readonly binary?: boolean;
}

/** Examples turned into merged sparse vectors (duplicate buckets summed). */
export interface Vectorized {
  readonly offsets: Int32Array;
  readonly index: Int32Array;
  readonly value: Float32Array;
  readonly labels: Uint8Array;
  readonly weights: Float32Array;
  /** 1 for rows trained with the partial-label (binary) loss. */
  readonly binary: Uint8Array;
  readonly size: number;
}

export interface TrainOptions {
  readonly features: FeatureConfig;
  readonly epochs: number;
  /** AdaGrad base step. */
  readonly learningRate: number;
  /** L2 penalty applied to the weights a step touches ("lazy" L2). */
  readonly l2: number;
  readonly seed: number;
  /** Scale each class's feature values by its NB log-count ratio (NBSVM). */
  readonly nbScaling: boolean;
  /** Smoothing α of the NB ratios. @default 1 */
  readonly nbAlpha?: number;
  /** Weight classes inversely to their frequency (helps the small neutral class). */
  readonly balanced: boolean;
  /**
   * Count binary (partial-label) rows in the NB ratios. They then add evidence against neutral for
   * every word they contain, since the ratios are one-vs-rest. @default false
   */
  readonly nbBinary?: boolean;
}

/** Float weights before quantisation. */
export interface FloatModel {
  readonly features: FeatureConfig;
  readonly bias: Float64Array;
  readonly weights: Float32Array;
}

export { mulberry32 } from '../random.ts';
export { quantize } from './model.ts';

/**
 * Extract and merge the hashed features of every example.
 *
 * @param examples - Labelled texts.
 * @param features - Feature settings.
 */
export function vectorize(examples: readonly TrainingExample[], features: FeatureConfig): Vectorized {
  const buffer = new SparseBuffer();
  const offsets = new Int32Array(examples.length + 1);
  const index: number[] = [];
  const value: number[] = [];
  const labels = new Uint8Array(examples.length);
  const weights = new Float32Array(examples.length);
  const binary = new Uint8Array(examples.length);
  const merged = new Map<number, number>();
  examples.forEach((example, i) => {
    extractFeatures(prepareTokens(example.text, example.lang), example.lang, features, buffer);
    merged.clear();
    for (let k = 0; k < buffer.size; k++) {
      const b = buffer.index[k]!;
      merged.set(b, (merged.get(b) ?? 0) + buffer.value[k]!);
    }
    for (const b of [...merged.keys()].sort((x, y) => x - y)) {
      index.push(b);
      value.push(merged.get(b)!);
    }
    offsets[i + 1] = index.length;
    labels[i] = CLASSES.indexOf(example.label);
    weights[i] = example.weight ?? 1;
    binary[i] = example.binary ? 1 : 0;
  });
  return {
    offsets,
    index: Int32Array.from(index),
    value: Float32Array.from(value),
    labels,
    weights,
    binary,
    size: examples.length,
  };
}

/**
 * One-vs-rest NB log-count ratios r[bucket·3 + c] = log((p_c/‖p_c‖₁) / (q_c/‖q_c‖₁)), with p_c the
 * α-smoothed count of documents of class c containing the bucket and q_c the same for the other
 * classes (Wang & Manning 2012, binarised features).
 */
function nbRatios(data: Vectorized, buckets: number, alpha: number, withBinary: boolean): Float32Array {
  const counts = new Float64Array(buckets * NUM_CLASSES);
  const totals = new Float64Array(NUM_CLASSES);
  for (let d = 0; d < data.size; d++) {
    if (!withBinary && data.binary[d] === 1) continue;
    const y = data.labels[d]!;
    for (let k = data.offsets[d]!; k < data.offsets[d + 1]!; k++) counts[data.index[k]! * NUM_CLASSES + y]!++;
  }
  for (let i = 0; i < counts.length; i++) totals[i % NUM_CLASSES]! += counts[i]!;
  const all = totals.reduce((a, b) => a + b, 0);
  const r = new Float32Array(buckets * NUM_CLASSES);
  for (let b = 0; b < buckets; b++) {
    let rowSum = 0;
    for (let c = 0; c < NUM_CLASSES; c++) rowSum += counts[b * NUM_CLASSES + c]!;
    for (let c = 0; c < NUM_CLASSES; c++) {
      const p = (alpha + counts[b * NUM_CLASSES + c]!) / (alpha * buckets + totals[c]!);
      const q = (alpha + rowSum - counts[b * NUM_CLASSES + c]!) / (alpha * buckets + all - totals[c]!);
      r[b * NUM_CLASSES + c] = Math.log(p / q);
    }
  }
  return r;
}

/** Fisher–Yates shuffle of `order` in place, drawing from `random` (the same draws in the same order every run). */
function shuffleInPlace(order: number[], random: () => number): void {
  for (let i = order.length - 1; i > 0; i--) {
    const j = Math.floor(random() * (i + 1));
    const t = order[i]!;
    order[i] = order[j]!;
    order[j] = t;
  }
}

/**
 * Fit multinomial logistic regression by AdaGrad SGD over a seeded shuffle. With `nbScaling` the
 * class-c logit uses x∘r_c; the returned weights have r folded in, so inference is a plain dot product.
 *
 * @param data - Output of {@link vectorize}.
 * @param options - Hyper-parameters and seed.
 * @returns Float weights, `2^hashBits × 3`, row-major by bucket then class.
 */
export function trainLinear(data: Vectorized, options: TrainOptions): FloatModel {
  const buckets = 2 ** options.features.hashBits;
  const w = new Float32Array(buckets * NUM_CLASSES);
  const g2 = new Float32Array(buckets * NUM_CLASSES);
  const bias = new Float64Array(NUM_CLASSES);
  const biasG2 = new Float64Array(NUM_CLASSES);
  const r = options.nbScaling
    ? nbRatios(data, buckets, options.nbAlpha ?? 1, options.nbBinary ?? false)
    : undefined;
  const classCount = new Float64Array(NUM_CLASSES);
  for (let d = 0; d < data.size; d++) if (data.binary[d] !== 1) classCount[data.labels[d]!]!++;
  const threeClassRows = classCount[0]! + classCount[1]! + classCount[2]!;
  const classWeight = [0, 1, 2].map((c) =>
    options.balanced && classCount[c]! > 0 ? threeClassRows / (NUM_CLASSES * classCount[c]!) : 1,
  );
  const random = mulberry32(options.seed);
  const order = Array.from({ length: data.size }, (_, i) => i);
  const z = new Float64Array(NUM_CLASSES);
  const grad = new Float64Array(NUM_CLASSES);
  const eta = options.learningRate;
  const l2 = options.l2;
  for (let epoch = 0; epoch < options.epochs; epoch++) {
    shuffleInPlace(order, random);
    for (const d of order) {
      const start = data.offsets[d]!;
      const end = data.offsets[d + 1]!;
      for (let c = 0; c < NUM_CLASSES; c++) z[c] = bias[c]!;
      for (let k = start; k < end; k++) {
        const row = data.index[k]! * NUM_CLASSES;
        const x = data.value[k]!;
        for (let c = 0; c < NUM_CLASSES; c++) z[c]! += x * w[row + c]! * (r ? r[row + c]! : 1);
      }
      const partial = data.binary[d] === 1;
      // Partial-label rows: the neutral logit leaves the softmax (weight 0), so its gradient is 0.
      const max = partial ? Math.max(z[0]!, z[2]!) : Math.max(z[0]!, z[1]!, z[2]!);
      let sum = 0;
      for (let c = 0; c < NUM_CLASSES; c++) {
        z[c] = partial && c === 1 ? 0 : Math.exp(z[c]! - max);
        sum += z[c]!;
      }
      const y = data.labels[d]!;
      const cw = (partial ? 1 : classWeight[y]!) * data.weights[d]!;
      for (let c = 0; c < NUM_CLASSES; c++) grad[c] = cw * (z[c]! / sum - (c === y ? 1 : 0));
      for (let c = 0; c < NUM_CLASSES; c++) {
        biasG2[c]! += grad[c]! * grad[c]!;
        bias[c]! -= (eta * grad[c]!) / Math.sqrt(biasG2[c]! + 1e-8);
      }
      for (let k = start; k < end; k++) {
        const row = data.index[k]! * NUM_CLASSES;
        const x = data.value[k]!;
        for (let c = 0; c < NUM_CLASSES; c++) {
          const at = row + c;
          const g = grad[c]! * x * (r ? r[at]! : 1) + l2 * w[at]!;
          g2[at]! += g * g;
          w[at]! -= (eta * g) / Math.sqrt(g2[at]! + 1e-8);
        }
      }
    }
  }
  if (r) for (let i = 0; i < w.length; i++) w[i] = w[i]! * r[i]!;
  return { features: options.features, bias, weights: w };
}

/**
 * Average several float models of the same feature space (bagging over seeds). Averaging weights is
 * averaging logits, so the ensemble costs nothing at inference and keeps one weight table.
 *
 * @throws {RangeError} when the list is empty or the models' sizes differ.
 */
export function averageModels(models: readonly FloatModel[]): FloatModel {
  const first = models[0];
  if (!first) throw new RangeError('no models to average');
  const weights = new Float32Array(first.weights.length);
  const bias = new Float64Array(NUM_CLASSES);
  for (const m of models) {
    if (m.weights.length !== weights.length) throw new RangeError('models differ in size');
    for (let i = 0; i < weights.length; i++) weights[i]! += m.weights[i]! / models.length;
    for (let c = 0; c < NUM_CLASSES; c++) bias[c]! += m.bias[c]! / models.length;
  }
  return { features: first.features, bias, weights };
}

/** The quantised model exactly as it ships, so calibration sees what inference will compute. */
export function quantizedModel(
  model: FloatModel,
  name: string,
  version: string,
  decision: Decision,
): LinearModel {
  const { scale, bytes } = quantize(model.weights);
  const weights = new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length);
  return { name, version, features: model.features, decision, bias: model.bias, weights, scale };
}

/** Held-out texts for calibration, grouped so each group counts equally (e.g. SmSA valid, NusaX valid). */
export interface CalibrationGroup {
  readonly name: string;
  /** Raw logits per text (from `logits`). */
  readonly logits: readonly (readonly [number, number, number])[];
  readonly gold: readonly SentimentClass[];
  /** Classes scored in this group's macro-F1 (binary data sets score only negative/positive). */
  readonly classes: readonly SentimentClass[];
}

/** Mean macro-F1 over groups under a decision (verdicts mapped by `toDatasetClass`). */
export function scoreDecision(groups: readonly CalibrationGroup[], decision: Decision): number {
  let total = 0;
  for (const group of groups) {
    const binary = group.classes.length === 2;
    const predicted = group.logits.map((z) =>
      toDatasetClass(decide(calibratedProbabilities(z, decision), decision), binary),
    );
    total += classificationReport(group.gold, predicted, group.classes).macroF1;
  }
  return total / groups.length;
}

/**
 * MIXED fires when calibrated P(pos) and P(neg) are both ≥ 0.40. Fixed by design, not tuned: none of
 * the public data sets has a mixed class, so no held-out data can choose it.
 */
export const DEFAULT_MIXED_THRESHOLD = 0.4;

/**
 * Fit the decision rules on held-out data: the temperature by minimum log-loss (grid 0.25–4), then
 * the neutral logit bias (−1…2) and the neutral band (0…0.5) by grid search on mean macro-F1 over the
 * groups (verdicts mapped by `toDatasetClass`). Ties keep the earlier grid point, so the result is
 * deterministic.
 *
 * @param mixedThreshold - Kept as given. @default DEFAULT_MIXED_THRESHOLD
 */
export function fitDecision(
  groups: readonly CalibrationGroup[],
  mixedThreshold: number = DEFAULT_MIXED_THRESHOLD,
): Decision {
  let temperature = 1;
  let bestLoss = Number.POSITIVE_INFINITY;
  for (let t = 0.25; t <= 4.0001; t += 0.05) {
    let loss = 0;
    let count = 0;
    const probe: Decision = { temperature: t, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold: 1 };
    for (const group of groups) {
      const binary = group.classes.length === 2;
      group.logits.forEach((z, i) => {
        const p = calibratedProbabilities(z, probe);
        const gold = p[CLASSES.indexOf(group.gold[i]!)]!;
        // A binary group's gold says nothing about neutral: score the polar-restricted probability.
        loss -= Math.log(Math.max(1e-12, binary ? gold / (p[0] + p[2]) : gold));
        count++;
      });
    }
    if (loss / count < bestLoss - 1e-12) {
      bestLoss = loss / count;
      temperature = Math.round(t * 100) / 100;
    }
  }
  let best: Decision = { temperature, classBias: [0, 0, 0], neutralBand: 0, mixedThreshold };
  let bestScore = scoreDecision(groups, best);
  for (let neutralBias = -1; neutralBias <= 2.0001; neutralBias += 0.1) {
    for (let band = 0; band <= 0.5001; band += 0.05) {
      const candidate: Decision = {
        temperature,
        classBias: [0, Math.round(neutralBias * 100) / 100, 0],
        neutralBand: Math.round(band * 100) / 100,
        mixedThreshold,
      };
      const score = scoreDecision(groups, candidate);
      if (score > bestScore + 1e-9) {
        bestScore = score;
        best = candidate;
      }
    }
  }
  return best;
}

/** One labelled news text for {@link fitNewsDecision}: raw logits, lexicon hits, gold class. */
export interface NewsCalibrationRow {
  readonly logits: readonly [number, number, number];
  readonly hits: LexiconCounts;
  readonly gold: SentimentClass;
}

/** Grids of {@link fitNewsDecision}: coarse on purpose, since the labelled headlines are few. */
export const NEWS_GRID = {
  /** Subtracted from the general neutral bias. */
  neutralShift: [0, 0.3, 0.6, 0.9, 1.2, 1.5],
  eventPrior: [0, 1, 2, 3, 4],
  polarPrior: [0, 0.5, 1, 1.5],
} as const;

/**
 * Fit the news decision on labelled news texts: the neutral bias lowered by a shift, an adverse-event
 * prior and an evaluative-lexicon prior (see `NewsDecisionSchema`), each from {@link NEWS_GRID}, by
 * macro-F1 (three classes) on `rows`. Temperature, neutral band and the MIXED rule stay the general
 * ones. The grid is walked from the smallest values and a point must be strictly better to win, so
 * ties keep the decision closest to the general one, and the result is deterministic.
 *
 * @param rows - Labelled news texts (the headline `dev` split).
 * @param decision - The general decision (from {@link fitDecision}).
 * @returns The news decision; all-zero priors and shift when nothing beats the general rules.
 */
export function fitNewsDecision(rows: readonly NewsCalibrationRow[], decision: Decision): NewsDecision {
  const gold = rows.map((r) => r.gold);
  const score = (news: NewsDecision): number => {
    const withNews: Decision = { ...decision, news };
    const predicted = rows.map((r) => toDatasetClass(verdictFor(r.logits, r.hits, withNews, true), false));
    return classificationReport(gold, predicted, CLASSES).macroF1;
  };
  const base = decision.classBias;
  const make = (shift: number, eventPrior: number, polarPrior: number): NewsDecision => ({
    classBias: [base[0]!, Math.round((base[1]! - shift) * 100) / 100, base[2]!],
    neutralBand: decision.neutralBand,
    eventPrior,
    polarPrior,
  });
  let best = make(0, 0, 0);
  let bestScore = score(best);
  for (const shift of NEWS_GRID.neutralShift)
    for (const eventPrior of NEWS_GRID.eventPrior)
      for (const polarPrior of NEWS_GRID.polarPrior) {
        const candidate = make(shift, eventPrior, polarPrior);
        const s = score(candidate);
        if (s > bestScore + 1e-9) {
          bestScore = s;
          best = candidate;
        }
      }
  return best;
}

/**
 * Assemble the weight file (int8 weights, base64).
 *
 * @param provenance - Data, options and measured metrics to record in the file.
 */
export function buildWeightFile(
  model: FloatModel,
  name: string,
  version: string,
  decision: Decision,
  provenance: Record<string, unknown>,
): WeightFile {
  const { scale, bytes } = quantize(model.weights);
  return {
    format: 'pantau-linear-hashed/1',
    name,
    version,
    features: model.features,
    decision,
    bias: Array.from(model.bias),
    scale,
    weights: encodeBase64(bytes),
    provenance,
  };
}

/** Settings of the social block's fit ({@link trainSocialBlock}). */
export interface SocialTrainOptions {
  /** The block's hashed space and copy value (2^17 buckets, value 1 since 2026.12.4). */
  readonly copy: SocialCopy;
  readonly epochs: number;
  /** AdaGrad base step. */
  readonly learningRate: number;
  /** L2 penalty on the block's weights a step touches ("lazy" L2); the intercepts are not penalised. */
  readonly l2: number;
  /** First seed; the bag uses seed, seed + 1, … */
  readonly seed: number;
  /** Fits averaged (bagging over seeds). */
  readonly bagSize: number;
}

/** A fitted social block before quantisation. */
export interface FloatSocialBlock {
  readonly copy: SocialCopy;
  readonly bias: Float64Array;
  /** `2^copy.bits × 3`, row-major by bucket then class. */
  readonly weights: Float32Array;
}

/**
 * Fit the social block as a residual over a fixed general model (design R, `docs/model-card.md`, "Eleventh
 * attempt"): multinomial logistic loss on logits = `referenceLogits(general, text)` (held fixed, exactly as
 * inference computes them from the int8 weights) + social intercepts + Σ v · S[socialBucket(b)] over the text's
 * general features (b, v) scaled by `copy.value`. Plain AdaGrad SGD over a seeded shuffle, no NB scaling; rows
 * marked `binary` use the partial-label loss as in {@link trainLinear}. The general model is never changed, so
 * every non-social reading stays what it was. Deterministic for the same examples, model and options.
 *
 * @param examples - Labelled social posts (their `lang` as routed at inference).
 * @param general - The decoded general model (its own `social` block, if any, is ignored).
 * @throws {RangeError} when `bagSize` < 1.
 */
export function trainSocialBlock(
  examples: readonly TrainingExample[],
  general: Pick<LinearModel, 'features' | 'bias' | 'weights' | 'scale'>,
  options: SocialTrainOptions,
): FloatSocialBlock {
  if (options.bagSize < 1) throw new RangeError('bagSize must be at least 1');
  const buckets = 2 ** options.copy.bits;
  const buffer = new SparseBuffer();
  const offsets = new Int32Array(examples.length + 1);
  const index: number[] = [];
  const value: number[] = [];
  const base = new Float64Array(examples.length * NUM_CLASSES);
  const merged = new Map<number, number>();
  examples.forEach((example, d) => {
    const z = referenceLogits(general, example.text, example.lang, buffer);
    for (let c = 0; c < NUM_CLASSES; c++) base[d * NUM_CLASSES + c] = z[c]!;
    merged.clear();
    for (let k = 0; k < buffer.size; k++) {
      const b = socialBucket(buffer.index[k]!, options.copy.bits);
      merged.set(b, (merged.get(b) ?? 0) + buffer.value[k]! * options.copy.value);
    }
    for (const b of [...merged.keys()].sort((x, y) => x - y)) {
      index.push(b);
      value.push(merged.get(b)!);
    }
    offsets[d + 1] = index.length;
  });
  const weights = new Float32Array(buckets * NUM_CLASSES);
  const bias = new Float64Array(NUM_CLASSES);
  const z = new Float64Array(NUM_CLASSES);
  const grad = new Float64Array(NUM_CLASSES);
  const eta = options.learningRate;
  for (let bag = 0; bag < options.bagSize; bag++) {
    const w = new Float32Array(buckets * NUM_CLASSES);
    const g2 = new Float32Array(buckets * NUM_CLASSES);
    const b0 = new Float64Array(NUM_CLASSES);
    const b2 = new Float64Array(NUM_CLASSES);
    const random = mulberry32(options.seed + bag);
    const order = Array.from({ length: examples.length }, (_, i) => i);
    for (let epoch = 0; epoch < options.epochs; epoch++) {
      shuffleInPlace(order, random);
      for (const d of order) {
        const example = examples[d]!;
        const start = offsets[d]!;
        const end = offsets[d + 1]!;
        for (let c = 0; c < NUM_CLASSES; c++) z[c] = base[d * NUM_CLASSES + c]! + b0[c]!;
        for (let k = start; k < end; k++) {
          const row = index[k]! * NUM_CLASSES;
          const x = value[k]!;
          for (let c = 0; c < NUM_CLASSES; c++) z[c]! += x * w[row + c]!;
        }
        const partial = example.binary === true;
        const max = partial ? Math.max(z[0]!, z[2]!) : Math.max(z[0]!, z[1]!, z[2]!);
        let sum = 0;
        for (let c = 0; c < NUM_CLASSES; c++) {
          z[c] = partial && c === 1 ? 0 : Math.exp(z[c]! - max);
          sum += z[c]!;
        }
        const y = CLASSES.indexOf(example.label);
        const cw = example.weight ?? 1;
        for (let c = 0; c < NUM_CLASSES; c++) grad[c] = cw * (z[c]! / sum - (c === y ? 1 : 0));
        for (let c = 0; c < NUM_CLASSES; c++) {
          b2[c]! += grad[c]! * grad[c]!;
          b0[c]! -= (eta * grad[c]!) / Math.sqrt(b2[c]! + 1e-8);
        }
        for (let k = start; k < end; k++) {
          const row = index[k]! * NUM_CLASSES;
          const x = value[k]!;
          for (let c = 0; c < NUM_CLASSES; c++) {
            const at = row + c;
            const g = grad[c]! * x + options.l2 * w[at]!;
            g2[at]! += g * g;
            w[at]! -= (eta * g) / Math.sqrt(g2[at]! + 1e-8);
          }
        }
      }
    }
    for (let i = 0; i < w.length; i++) weights[i]! += w[i]! / options.bagSize;
    for (let c = 0; c < NUM_CLASSES; c++) bias[c]! += b0[c]! / options.bagSize;
  }
  return { copy: options.copy, bias, weights };
}

/** The social block as it ships: int8 weights with their own scale (what inference will compute). */
export function quantizedSocialBlock(block: FloatSocialBlock): SocialBlock {
  const { scale, bytes } = quantize(block.weights);
  return {
    copy: block.copy,
    bias: block.bias,
    weights: new Int8Array(bytes.buffer, bytes.byteOffset, bytes.length),
    scale,
  };
}

/**
 * Add a social block to a weight file: format 2, every other field (the general block, its scale, the
 * decision) copied unchanged, so the general reading of the result is that of `file`.
 *
 * @param version - Version string of the new file.
 * @param provenance - Facts merged over `file.provenance`.
 */
export function withSocialBlock(
  file: WeightFile,
  block: FloatSocialBlock,
  version: string,
  provenance: Record<string, unknown>,
): WeightFile {
  const { scale, bytes } = quantize(block.weights);
  return {
    ...file,
    format: 'pantau-linear-hashed/2',
    version,
    provenance: { ...file.provenance, ...provenance },
    social: { ...block.copy, bias: Array.from(block.bias), scale, weights: encodeBase64(bytes) },
  };
}
