/**
 * Dunning's log-likelihood ratio G² for "this term rose in the window against the trailing baseline",
 * on document frequencies (a post either uses a term or not): Dunning, "Accurate methods for the statistics
 * of surprise and coincidence", Computational Linguistics 19(1), 1993; Rayson & Garside, "Comparing corpora
 * using frequency profiling", 2000. G² ≥ 10.83 is p < 0.001 with one degree of freedom.
 */

function xlogx(x: number): number {
  return x > 0 ? x * Math.log(x) : 0;
}

/**
 * G² of the 2×2 table [a, n1 − a; b, n2 − b]: `a` of `n1` window posts and `b` of `n2` baseline posts use
 * the term. Equals 2·Σ O·ln(O/E). Returns 0 when either corpus is empty.
 */
export function g2(a: number, n1: number, b: number, n2: number): number {
  if (n1 <= 0 || n2 <= 0) return 0;
  const c = n1 - a;
  const d = n2 - b;
  const n = n1 + n2;
  const value =
    xlogx(a) +
    xlogx(b) +
    xlogx(c) +
    xlogx(d) -
    xlogx(a + b) -
    xlogx(c + d) -
    xlogx(n1) -
    xlogx(n2) +
    xlogx(n);
  return Math.max(0, 2 * value);
}

/** A term with its window and baseline document counts and G². */
export interface RisingTerm {
  term: string;
  g2: number;
  windowCount: number;
  baselineCount: number;
}

/**
 * Terms used relatively more in the window than in the baseline, by G² (largest first). A term needs
 * `minCount` window posts and G² ≥ `minG2`; add-half smoothing is not needed since G² handles zero cells.
 */
export function risingTerms(
  windowTerms: readonly ReadonlySet<string>[],
  baselineTerms: readonly ReadonlySet<string>[],
  options: { minCount?: number; minG2?: number } = {},
): RisingTerm[] {
  const { minCount = 2, minG2 = 10.83 } = options;
  const wc = countDocs(windowTerms);
  const bc = countDocs(baselineTerms);
  const n1 = windowTerms.length;
  const n2 = Math.max(1, baselineTerms.length);
  const out: RisingTerm[] = [];
  for (const [term, a] of wc) {
    if (a < minCount) continue;
    const b = bc.get(term) ?? 0;
    if (a / n1 <= b / n2) continue;
    const score = baselineTerms.length === 0 ? g2(a, n1, 0, n1) : g2(a, n1, b, n2);
    if (score >= minG2) out.push({ term, g2: score, windowCount: a, baselineCount: b });
  }
  return out.sort((x, y) => y.g2 - x.g2 || (x.term < y.term ? -1 : 1));
}

function countDocs(docs: readonly ReadonlySet<string>[]): Map<string, number> {
  const m = new Map<string, number>();
  for (const d of docs) for (const t of d) m.set(t, (m.get(t) ?? 0) + 1);
  return m;
}
