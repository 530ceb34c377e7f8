/**
 * The share CUSUM's per-bucket statistic and its threshold. The threshold comes from a table of in-control
 * average run lengths estimated by Monte Carlo (`scripts/lib/spikes-share-arl.ts` writes
 * `share-cusum-table.ts`), interpolated at the series' own volume, baseline share and overdispersion, and
 * capped by Lorden's bound h = ln ARL₀, which holds for any likelihood-ratio CUSUM (Lorden, _Ann. Math.
 * Statist._ 42, 1971). Pure functions, no allocation.
 */
import { SHARE_CUSUM_TABLE } from './share-cusum-table.ts';
import { logGamma } from './stats.ts';

/**
 * Log-likelihood ratio (natural log) of one bucket's negatives under "the odds of a negative × `shift`" against
 * the baseline share `p0`, both beta-binomial with intra-bucket correlation `rho` (κ = 1/ρ − 1, a = p·κ,
 * b = (1 − p)·κ; Williams, _Applied Statistics_ 31, 1982):
 * ln BB(x; n, p1κ, (1 − p1)κ) − ln BB(x; n, p0κ, (1 − p0)κ), p1 = shift·p0/(1 − p0 + shift·p0). The binomial
 * coefficients cancel. With κ → ∞ it tends to the Bernoulli CUSUM weight x·ln R − n·ln(1 − p0 + R·p0) (Steiner,
 * Cook, Farewell & Treasure, _Biostatistics_ 1, 2000). 0 for an empty bucket.
 * @param total mentions in the bucket (n ≥ 0)
 * @param negative negative mentions (0 ≤ x ≤ n)
 * @param p0 baseline share, 0 < p0 < 1
 * @param rho intra-bucket correlation, 0 < ρ < 1
 * @param shift the odds ratio R ≥ 1 the CUSUM is tuned to
 */
export function shareCusumLlr(
  total: number,
  negative: number,
  p0: number,
  rho: number,
  shift: number,
): number {
  if (total <= 0) return 0;
  const kappa = 1 / rho - 1;
  const p1 = (shift * p0) / (1 - p0 + shift * p0);
  const a0 = p0 * kappa;
  const b0 = kappa - a0;
  const a1 = p1 * kappa;
  const b1 = kappa - a1;
  const other = total - negative;
  return (
    logGamma(negative + a1) -
    logGamma(a1) +
    logGamma(other + b1) -
    logGamma(b1) -
    logGamma(negative + a0) +
    logGamma(a0) -
    logGamma(other + b0) +
    logGamma(b0)
  );
}

/** Shape of the generated table (see `share-cusum-table.ts`). */
export interface ShareCusumTable {
  /** Odds ratio R the table was simulated for; other values fall back to Lorden's bound. */
  shift: number;
  /** Grids, each geometric: first value and ratio between neighbours, and the number of points. */
  volume: { first: number; ratio: number; count: number };
  share: { first: number; ratio: number; count: number };
  rho: { first: number; ratio: number; count: number };
  arlBuckets: { first: number; ratio: number; count: number };
  /** Lowest threshold simulated; where even it gives a longer run length than asked, h is this (conservative). */
  floor: number;
  /** h (natural log) indexed [arl][volume][share][rho], row-major. */
  h: readonly number[];
}

/** The table sliced at one ARL₀: h over (volume, share, ρ), or null when Lorden's bound must be used. */
export interface ShareCusumSlice {
  lorden: number;
  values: Float64Array | null;
}

/**
 * Prepares the table for one in-control run length (done once per parameter set). Between grid ARLs it
 * interpolates linearly in ln ARL; above the grid it extends with slope 1 (h + ln(ARL/ARL_top)), because the
 * probability that an in-control likelihood-ratio random walk ever climbs h falls as C·e^(−h) (the Cramér–
 * Lundberg exponent of a likelihood ratio is 1: E₀[e^LLR] = 1; Siegmund, _Sequential Analysis_, 1985, ch. 8).
 * Below the grid, or for another odds ratio, it returns no table (Lorden's bound only).
 * @param arlBuckets the in-control average run length asked for, buckets
 * @param shift the odds ratio R of the CUSUM
 */
export function shareCusumSlice(
  arlBuckets: number,
  shift: number,
  table: ShareCusumTable = SHARE_CUSUM_TABLE,
): ShareCusumSlice {
  const lorden = Math.log(Math.max(2, arlBuckets));
  const g = table.arlBuckets;
  const pos = Math.log(arlBuckets / g.first) / Math.log(g.ratio);
  if (shift !== table.shift || !(pos >= -1e-9)) return { lorden, values: null };
  const size = table.volume.count * table.share.count * table.rho.count;
  const values = new Float64Array(size);
  const top = g.count - 1;
  const i0 = Math.min(top, Math.floor(pos + 1e-9));
  const i1 = Math.min(top, i0 + 1);
  const w = i1 === i0 ? 0 : pos - i0;
  const extra = pos > top ? Math.log(arlBuckets / (g.first * g.ratio ** top)) : 0;
  for (let k = 0; k < size; k++) {
    const h = (1 - w) * table.h[i0 * size + k]! + w * table.h[i1 * size + k]! + extra;
    values[k] = Math.min(lorden, h);
  }
  return { lorden, values };
}

/** Fractional grid position of `x` on a geometric grid, or −1 when outside it. */
function gridPos(x: number, g: { first: number; ratio: number; count: number }): number {
  const p = Math.log(x / g.first) / Math.log(g.ratio);
  return p >= -1e-9 && p <= g.count - 1 + 1e-9 ? Math.min(g.count - 1, Math.max(0, p)) : -1;
}

/**
 * The share CUSUM's threshold h (natural log units) for a series with mean `volume` mentions per bucket,
 * baseline share `p0` and intra-bucket correlation `rho`: the table's h for the slice's ARL₀, interpolated
 * trilinearly on log scales, never above Lorden's ln ARL₀. A volume outside the grid is clamped to it, which
 * is conservative: below the grid fewer buckets carry evidence and above it the in-control drift is more
 * negative, so the run length at a given h only grows. A share or ρ outside the grid gives Lorden's bound.
 * O(1): three logarithms and eight table reads.
 */
export function shareCusumThreshold(
  slice: ShareCusumSlice,
  volume: number,
  p0: number,
  rho: number,
  table: ShareCusumTable = SHARE_CUSUM_TABLE,
): number {
  const v = slice.values;
  if (v === null) return slice.lorden;
  const ps = gridPos(p0, table.share);
  const pr = gridPos(rho, table.rho);
  if (ps < 0 || pr < 0) return slice.lorden;
  const gv = table.volume;
  const pv = Math.min(
    gv.count - 1,
    Math.max(0, Math.log(Math.max(volume, 1e-9) / gv.first) / Math.log(gv.ratio)),
  );
  const nS = table.share.count;
  const nR = table.rho.count;
  const v0 = Math.min(gv.count - 2, Math.floor(pv));
  const s0 = Math.min(nS - 2, Math.floor(ps));
  const r0 = Math.min(nR - 2, Math.floor(pr));
  const fv = pv - v0;
  const fs = ps - s0;
  const fr = pr - r0;
  let h = 0;
  for (let dv = 0; dv < 2; dv++) {
    const wv = dv === 0 ? 1 - fv : fv;
    for (let ds = 0; ds < 2; ds++) {
      const ws = ds === 0 ? 1 - fs : fs;
      const base = ((v0 + dv) * nS + s0 + ds) * nR + r0;
      h += wv * ws * ((1 - fr) * v[base]! + fr * v[base + 1]!);
    }
  }
  return h;
}
