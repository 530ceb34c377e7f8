/**
 * Word clusters learnt from unlabelled text, as extra features for the linear model: words that occur
 * in similar contexts share a cluster, so a word never seen with a label still fires its cluster's
 * weight (the "cluster features" of Turian, Ratinov & Bengio, ACL 2010). Vectors are PPMI + truncated
 * SVD (Levy, Goldberg & Dagan, TACL 2015: context-distribution smoothing 0.75, eigenvalue weighting
 * Σ^0.5), clustered by spherical k-means with k-means++ seeding. Deterministic for a given seed: one
 * thread, fixed iteration order, ties broken by index.
 *
 * Pure computation (no I/O); used by training (`train.ts`, `scripts/`) and, through the shipped lists,
 * by inference.
 */
import { mulberry32 } from '../random.ts';
import { normalizeText, PLACEHOLDER, tokenize } from './text.ts';

/** A learnt clustering: the words of each cluster (as shipped) and the word → cluster id index. */
export interface WordClusters {
  /** One entry per cluster id: its words, space-separated, sorted. */
  readonly lists: readonly string[];
  readonly index: ReadonlyMap<string, number>;
}

/** Settings of {@link learnWordClusters}. */
export interface ClusterOptions {
  /** Number of clusters k. */
  readonly clusters: number;
  /** Words seen fewer times than this are left unclustered. @default 3 */
  readonly minCount?: number;
  /** Context words on each side. @default 2 */
  readonly window?: number;
  /** SVD dimensions. @default 100 */
  readonly dimensions?: number;
  /** k-means iterations. @default 20 */
  readonly iterations?: number;
  /** Largest vocabulary (most frequent words first). @default 30000 */
  readonly maxVocabulary?: number;
  readonly seed: number;
}

const PLACEHOLDERS: ReadonlySet<string> = new Set(Object.values(PLACEHOLDER));
/** Context-distribution smoothing exponent (Levy et al. 2015). */
const CONTEXT_ALPHA = 0.75;
const OVERSAMPLE = 10;
const POWER_ITERATIONS = 2;

/** Index a clustering from its shipped lists (cluster id = list position). */
export function clustersFromLists(lists: readonly string[]): WordClusters {
  const index = new Map<string, number>();
  lists.forEach((list, id) => {
    for (const word of list.split(' ')) if (word !== '') index.set(word, id);
  });
  return { lists, index };
}

/** The word tokens of a text as cluster learning sees them: normalised, no punctuation or placeholders. */
export function clusterWords(text: string): string[] {
  return tokenize(normalizeText(text)).filter((t) => {
    const c = t.charCodeAt(0);
    return !PLACEHOLDERS.has(t) && c !== 33 && c !== 63 && c !== 46 && c !== 44 && c !== 59 && c !== 58;
  });
}

/**
 * Learn word clusters from unlabelled texts.
 *
 * Steps: vocabulary = words seen ≥ `minCount` times (ties in frequency broken alphabetically);
 * symmetric co-occurrence counts within ±`window` words of one text; PPMI with smoothed context
 * probabilities P_α(c) = #c^0.75 / Σ #c'^0.75; seeded randomized SVD (Halko, Martinsson & Tropp 2011;
 * 10 extra columns, 2 power iterations); word vectors U·Σ^0.5, L2-normalised; spherical k-means
 * (cosine), k-means++ seeding. A cluster that empties keeps its previous centroid.
 *
 * @param texts - Unlabelled training texts (never valid or test text).
 * @returns Clusters with their words; at most `options.clusters`, fewer when the vocabulary is smaller.
 */
export function learnWordClusters(texts: readonly string[], options: ClusterOptions): WordClusters {
  const minCount = options.minCount ?? 3;
  const window = options.window ?? 2;
  const docs = texts.map(clusterWords);
  const counts = new Map<string, number>();
  for (const doc of docs) for (const w of doc) counts.set(w, (counts.get(w) ?? 0) + 1);
  const vocab = [...counts.entries()]
    .filter(([, c]) => c >= minCount)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : a[0] > b[0] ? 1 : 0))
    .slice(0, options.maxVocabulary ?? 30_000)
    .map(([w]) => w);
  const V = vocab.length;
  const k = Math.min(options.clusters, V);
  if (k === 0) return { lists: [], index: new Map() };
  const id = new Map(vocab.map((w, i) => [w, i]));
  const dims = Math.min(options.dimensions ?? 100, V);
  const vectors = svdVectors(cooccurrence(docs, id, window), V, dims, options.seed);
  const assignment = sphericalKMeans(vectors, V, dims, k, options.iterations ?? 20, options.seed + 1);
  const members: string[][] = Array.from({ length: k }, () => []);
  for (let i = 0; i < V; i++) members[assignment[i]!]!.push(vocab[i]!);
  return clustersFromLists(members.map((m) => m.sort().join(' ')));
}

/** Sparse PPMI matrix in compressed rows. */
interface Csr {
  readonly rows: number;
  readonly offsets: Int32Array;
  readonly cols: Int32Array;
  readonly values: Float64Array;
}

function cooccurrence(docs: readonly string[][], id: ReadonlyMap<string, number>, window: number): Csr {
  const V = id.size;
  const pairs = new Map<number, number>();
  for (const doc of docs) {
    const ids = doc.map((w) => id.get(w) ?? -1);
    for (let i = 0; i < ids.length; i++) {
      const a = ids[i]!;
      if (a < 0) continue;
      for (let j = Math.max(0, i - window); j <= Math.min(ids.length - 1, i + window); j++) {
        const b = ids[j]!;
        if (j === i || b < 0) continue;
        const key = a * V + b;
        pairs.set(key, (pairs.get(key) ?? 0) + 1);
      }
    }
  }
  const keys = [...pairs.keys()].sort((x, y) => x - y);
  const rowSum = new Float64Array(V);
  const colSum = new Float64Array(V);
  let total = 0;
  for (const key of keys) {
    const c = pairs.get(key)!;
    rowSum[Math.floor(key / V)]! += c;
    colSum[key % V]! += c;
    total += c;
  }
  let smoothedTotal = 0;
  for (let c = 0; c < V; c++) smoothedTotal += colSum[c]! ** CONTEXT_ALPHA;
  const offsets = new Int32Array(V + 1);
  const cols: number[] = [];
  const values: number[] = [];
  let row = 0;
  for (const key of keys) {
    const w = Math.floor(key / V);
    const c = key % V;
    while (row < w) offsets[++row] = cols.length;
    const pmi = Math.log(
      pairs.get(key)! / total / ((rowSum[w]! / total) * (colSum[c]! ** CONTEXT_ALPHA / smoothedTotal)),
    );
    if (pmi > 0) {
      cols.push(c);
      values.push(pmi);
    }
  }
  while (row < V) offsets[++row] = cols.length;
  return { rows: V, offsets, cols: Int32Array.from(cols), values: Float64Array.from(values) };
}

/** Y (V×m, row-major) = M X, X (V×m). */
function multiply(m: Csr, x: Float64Array, width: number): Float64Array {
  const y = new Float64Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    const out = r * width;
    for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) {
      const v = m.values[p]!;
      const from = m.cols[p]! * width;
      for (let j = 0; j < width; j++) y[out + j]! += v * x[from + j]!;
    }
  }
  return y;
}

/** Y = Mᵀ X. */
function multiplyTransposed(m: Csr, x: Float64Array, width: number): Float64Array {
  const y = new Float64Array(m.rows * width);
  for (let r = 0; r < m.rows; r++) {
    const from = r * width;
    for (let p = m.offsets[r]!; p < m.offsets[r + 1]!; p++) {
      const v = m.values[p]!;
      const out = m.cols[p]! * width;
      for (let j = 0; j < width; j++) y[out + j]! += v * x[from + j]!;
    }
  }
  return y;
}

/** Orthonormalise the columns of Y (rows × width) in place, modified Gram–Schmidt, twice for stability. */
function orthonormalise(y: Float64Array, rows: number, width: number): void {
  for (let pass = 0; pass < 2; pass++) {
    for (let j = 0; j < width; j++) {
      for (let i = 0; i < j; i++) {
        let dot = 0;
        for (let r = 0; r < rows; r++) dot += y[r * width + i]! * y[r * width + j]!;
        for (let r = 0; r < rows; r++) y[r * width + j]! -= dot * y[r * width + i]!;
      }
      let norm = 0;
      for (let r = 0; r < rows; r++) norm += y[r * width + j]! ** 2;
      norm = Math.sqrt(norm);
      // A column that vanished (rank-deficient M) stays zero.
      for (let r = 0; r < rows; r++) y[r * width + j] = norm > 1e-12 ? y[r * width + j]! / norm : 0;
    }
  }
}

/** Eigen-decomposition of a symmetric n×n matrix by cyclic Jacobi rotations; eigenvectors as columns. */
function symmetricEigen(a: Float64Array, n: number): { values: Float64Array; vectors: Float64Array } {
  const v = new Float64Array(n * n);
  for (let i = 0; i < n; i++) v[i * n + i] = 1;
  for (let sweep = 0; sweep < 60; sweep++) {
    let off = 0;
    for (let p = 0; p < n; p++) for (let q = p + 1; q < n; q++) off += a[p * n + q]! ** 2;
    if (off < 1e-22) break;
    for (let p = 0; p < n; p++) {
      for (let q = p + 1; q < n; q++) {
        const apq = a[p * n + q]!;
        if (Math.abs(apq) < 1e-300) continue;
        const theta = (a[q * n + q]! - a[p * n + p]!) / (2 * apq);
        const t = Math.sign(theta || 1) / (Math.abs(theta) + Math.sqrt(theta * theta + 1));
        const c = 1 / Math.sqrt(t * t + 1);
        const s = t * c;
        for (let k = 0; k < n; k++) {
          const akp = a[k * n + p]!;
          const akq = a[k * n + q]!;
          a[k * n + p] = c * akp - s * akq;
          a[k * n + q] = s * akp + c * akq;
        }
        for (let k = 0; k < n; k++) {
          const apk = a[p * n + k]!;
          const aqk = a[q * n + k]!;
          a[p * n + k] = c * apk - s * aqk;
          a[q * n + k] = s * apk + c * aqk;
        }
        for (let k = 0; k < n; k++) {
          const vkp = v[k * n + p]!;
          const vkq = v[k * n + q]!;
          v[k * n + p] = c * vkp - s * vkq;
          v[k * n + q] = s * vkp + c * vkq;
        }
      }
    }
  }
  return { values: Float64Array.from({ length: n }, (_, i) => a[i * n + i]!), vectors: v };
}

/** Seeded standard normal draws (Box–Muller). */
function gaussian(random: () => number): number {
  const u = 1 - random();
  return Math.sqrt(-2 * Math.log(u)) * Math.cos(2 * Math.PI * random());
}

/** Rows of U·Σ^0.5 for the top `dims` singular triplets of M, L2-normalised (V × dims, row-major). */
function svdVectors(m: Csr, V: number, dims: number, seed: number): Float64Array {
  const width = Math.min(dims + OVERSAMPLE, V);
  const random = mulberry32(seed);
  const omega = Float64Array.from({ length: V * width }, () => gaussian(random));
  let y = multiply(m, omega, width);
  orthonormalise(y, V, width);
  for (let it = 0; it < POWER_ITERATIONS; it++) {
    const z = multiplyTransposed(m, y, width);
    orthonormalise(z, V, width);
    y = multiply(m, z, width);
    orthonormalise(y, V, width);
  }
  // B = Qᵀ M (width × V); B Bᵀ = Qᵀ M Mᵀ Q, whose eigenvectors rotate Q onto the left singular vectors.
  const mtq = multiplyTransposed(m, y, width);
  const gram = new Float64Array(width * width);
  for (let r = 0; r < V; r++) {
    const o = r * width;
    for (let i = 0; i < width; i++) {
      const x = mtq[o + i]!;
      if (x === 0) continue;
      for (let j = i; j < width; j++) gram[i * width + j]! += x * mtq[o + j]!;
    }
  }
  for (let i = 0; i < width; i++) for (let j = 0; j < i; j++) gram[i * width + j] = gram[j * width + i]!;
  const { values, vectors } = symmetricEigen(gram, width);
  const order = Array.from({ length: width }, (_, i) => i).sort((a, b) => values[b]! - values[a]! || a - b);
  const out = new Float64Array(V * dims);
  for (let d = 0; d < dims; d++) {
    const e = order[d]!;
    // σ = √λ, weighted by Σ^0.5 = λ^0.25.
    const weight = Math.max(0, values[e]!) ** 0.25;
    for (let r = 0; r < V; r++) {
      let u = 0;
      for (let i = 0; i < width; i++) u += y[r * width + i]! * vectors[i * width + e]!;
      out[r * dims + d] = u * weight;
    }
  }
  for (let r = 0; r < V; r++) {
    let norm = 0;
    for (let d = 0; d < dims; d++) norm += out[r * dims + d]! ** 2;
    norm = Math.sqrt(norm);
    if (norm > 0) for (let d = 0; d < dims; d++) out[r * dims + d]! /= norm;
  }
  return out;
}

/** Spherical k-means on unit rows; k-means++ seeding by cosine distance; returns each row's cluster. */
function sphericalKMeans(
  x: Float64Array,
  n: number,
  dims: number,
  k: number,
  iterations: number,
  seed: number,
): Int32Array {
  const random = mulberry32(seed);
  const centroids = new Float64Array(k * dims);
  const nearest = new Float64Array(n).fill(Number.POSITIVE_INFINITY);
  let chosen = Math.floor(random() * n);
  for (let c = 0; c < k; c++) {
    centroids.set(x.subarray(chosen * dims, (chosen + 1) * dims), c * dims);
    let total = 0;
    for (let i = 0; i < n; i++) {
      let dot = 0;
      for (let d = 0; d < dims; d++) dot += x[i * dims + d]! * centroids[c * dims + d]!;
      const distance = Math.max(0, 1 - dot);
      if (distance < nearest[i]!) nearest[i] = distance;
      total += nearest[i]! ** 2;
    }
    let target = random() * total;
    chosen = n - 1;
    for (let i = 0; i < n; i++) {
      target -= nearest[i]! ** 2;
      if (target < 0) {
        chosen = i;
        break;
      }
    }
  }
  const assignment = new Int32Array(n);
  for (let it = 0; it < iterations; it++) {
    let changed = 0;
    for (let i = 0; i < n; i++) {
      let best = 0;
      let bestDot = Number.NEGATIVE_INFINITY;
      for (let c = 0; c < k; c++) {
        let dot = 0;
        for (let d = 0; d < dims; d++) dot += x[i * dims + d]! * centroids[c * dims + d]!;
        if (dot > bestDot) {
          bestDot = dot;
          best = c;
        }
      }
      if (it === 0 || assignment[i] !== best) changed++;
      assignment[i] = best;
    }
    if (changed === 0) break;
    const sums = new Float64Array(k * dims);
    for (let i = 0; i < n; i++) {
      const c = assignment[i]!;
      for (let d = 0; d < dims; d++) sums[c * dims + d]! += x[i * dims + d]!;
    }
    for (let c = 0; c < k; c++) {
      let norm = 0;
      for (let d = 0; d < dims; d++) norm += sums[c * dims + d]! ** 2;
      norm = Math.sqrt(norm);
      if (norm > 0) for (let d = 0; d < dims; d++) centroids[c * dims + d] = sums[c * dims + d]! / norm;
    }
  }
  return assignment;
}
