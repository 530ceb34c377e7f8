/**
 * Monte Carlo calibration of the share CUSUM's threshold (`shared/domain/spikes/share-cusum.ts`): for a grid of
 * mean volumes per bucket ν, baseline shares p0 and intra-bucket correlations ρ, the in-control average run
 * length ARL₀(h) of the CUSUM S ← max(0, S + LLR) is estimated on simulated null data (n ~ Poisson(ν) mentions,
 * x ~ BetaBinomial(n, p0·κ, (1 − p0)·κ) negatives, κ = 1/ρ − 1: the detector's own model), and inverted to the
 * h that gives each tabulated ARL₀. Calibrated on null data only; nothing here sees a burst.
 *
 * Estimator: Page's renewal identity ARL = E[N]/P(S_N ≥ h), where a cycle starts at 0 and runs the partial sum
 * until it is ≤ 0 (the CUSUM restarts) or ≥ h (an alarm), N its length (Page, "Continuous inspection schemes",
 * _Biometrika_ 41, 1954; run-length simulation of CUSUMs: Hawkins & Olwell, _Cumulative Sum Charts and Charting
 * for Quality Improvement_, 1998, ch. 3; for the Bernoulli/risk-adjusted CUSUM, Steiner, Cook, Farewell &
 * Treasure, _Biostatistics_ 1, 2000). Every h of a fine grid is estimated from the same cycles. Increments are
 * drawn from their exact distribution (every (n, x) atom with probability above 1e-15, by inverse CDF), so a
 * step costs one binary search.
 *
 * `npx tsx scripts/lib/spikes-share-arl.ts` prints the table; `--write` also writes
 * `shared/domain/spikes/share-cusum-table.ts`; `--check` runs the checks quoted in docs/spikes.md (renewal
 * estimate against direct run lengths, Poisson volume against a day cycle and an overdispersed volume, Lorden's
 * h against the simulated ARL₀).
 */
import { writeFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { mulberry32 } from '#shared/domain/random.ts';
import { type ShareCusumTable, shareCusumLlr } from '#shared/domain/spikes/share-cusum.ts';
import { logGamma } from '#shared/domain/spikes/stats.ts';

/** An increment distribution: sorted atoms and their cumulative probabilities (last = 1). */
export interface IncrementDistribution {
  values: Float64Array;
  cdf: Float64Array;
  /** E₀[LLR] (negative: the in-control drift) and E₀[e^LLR] (1 up to truncation: a likelihood ratio). */
  mean: number;
  expMean: number;
}

const ATOM_EPS = 1e-15;

/** ln P(N = n), N ~ NegBin(mean ν, dispersion α) (variance ν + αν²), or Poisson(ν) when α = 0. */
function logVolumePmf(n: number, nu: number, alpha: number): number {
  if (alpha <= 0) return n * Math.log(nu) - nu - logGamma(n + 1);
  const r = 1 / alpha;
  return (
    logGamma(n + r) - logGamma(r) - logGamma(n + 1) + r * Math.log(r / (r + nu)) + n * Math.log(nu / (r + nu))
  );
}

/**
 * The exact distribution of one bucket's log-likelihood ratio ({@link shareCusumLlr}) under the null: n from
 * the volume model, x ~ BetaBinomial(n, p0κ, (1 − p0)κ). Atoms below {@link ATOM_EPS} are dropped and the rest
 * renormalised.
 * @param nu mean mentions per bucket
 * @param alpha volume dispersion (0: Poisson)
 */
export function incrementDistribution(
  nu: number,
  p0: number,
  rho: number,
  shift: number,
  alpha = 0,
): IncrementDistribution {
  const kappa = 1 / rho - 1;
  const a = p0 * kappa;
  const b = (1 - p0) * kappa;
  const lbab = logGamma(a) + logGamma(b) - logGamma(a + b);
  const atoms: [number, number][] = [];
  const sdN = Math.sqrt(nu + alpha * nu * nu);
  const nHi = Math.ceil(nu + 12 * sdN + 20);
  for (let n = 0; n <= nHi; n++) {
    const lpn = logVolumePmf(n, nu, alpha);
    if (lpn < Math.log(ATOM_EPS)) continue;
    if (n === 0) {
      atoms.push([0, Math.exp(lpn)]);
      continue;
    }
    const m = n * p0;
    const sdX = Math.sqrt(n * p0 * (1 - p0) * (1 + (n - 1) * rho));
    const xLo = Math.max(0, Math.floor(m - 14 * sdX - 5));
    const xHi = Math.min(n, Math.ceil(m + 14 * sdX + 5));
    const lcn = logGamma(n + 1);
    for (let x = xLo; x <= xHi; x++) {
      const lp =
        lpn +
        lcn -
        logGamma(x + 1) -
        logGamma(n - x + 1) +
        logGamma(x + a) +
        logGamma(n - x + b) -
        logGamma(n + a + b) -
        lbab;
      if (lp < Math.log(ATOM_EPS)) continue;
      atoms.push([shareCusumLlr(n, x, p0, rho, shift), Math.exp(lp)]);
    }
  }
  atoms.sort((u, v) => u[0] - v[0]);
  const total = atoms.reduce((s, t) => s + t[1], 0);
  const values = new Float64Array(atoms.length);
  const cdf = new Float64Array(atoms.length);
  let c = 0;
  let mean = 0;
  let expMean = 0;
  for (const [i, [v, p]] of atoms.entries()) {
    c += p / total;
    values[i] = v;
    cdf[i] = c;
    mean += (v * p) / total;
    expMean += (Math.exp(Math.min(v, 700)) * p) / total;
  }
  cdf[cdf.length - 1] = 1;
  return { values, cdf, mean, expMean };
}

/** One draw by inverse CDF (53-bit uniform from two 32-bit draws). */
export function drawIncrement(d: IncrementDistribution, u: () => number): number {
  const q = u() + u() / 4_294_967_296;
  let lo = 0;
  let hi = d.cdf.length - 1;
  while (lo < hi) {
    const mid = (lo + hi) >> 1;
    if (d.cdf[mid]! > q) hi = mid;
    else lo = mid + 1;
  }
  return d.values[lo]!;
}

/**
 * In-control ARL₀ at every threshold of `hGrid` (increasing), by Page's renewal identity over `cycles`
 * independent cycles: ARL(h) = E[N_h]/P(S_{N_h} ≥ h). Returns the ARLs (buckets) and the number of cycles that
 * reached each h (the estimate's relative standard error is about 1/√hits).
 */
export function renewalArl(
  draw: () => number,
  hGrid: readonly number[],
  cycles: number,
): { arl: Float64Array; hits: Float64Array } {
  const K = hGrid.length;
  const top = hGrid[K - 1]!;
  const sumN = new Float64Array(K + 1);
  /** Adds t to every level ≥ k at once (a difference array, summed at the end). */
  const tailAdd = new Float64Array(K + 1);
  const hits = new Float64Array(K);
  for (let c = 0; c < cycles; c++) {
    let s = 0;
    let t = 0;
    let k = 0;
    for (;;) {
      s += draw();
      t += 1;
      if (s <= 0) break;
      while (k < K && s >= hGrid[k]!) {
        sumN[k]! += t;
        hits[k]! += 1;
        k += 1;
      }
      if (s >= top) break;
    }
    tailAdd[k]! += t;
  }
  const arl = new Float64Array(K);
  let run = 0;
  for (let k = 0; k < K; k++) {
    run += tailAdd[k]!;
    arl[k] = hits[k]! > 0 ? (sumN[k]! + run) / cycles / (hits[k]! / cycles) : Number.POSITIVE_INFINITY;
  }
  return { arl, hits };
}

/**
 * Mean run length of the CUSUM S ← max(0, S + increment) from 0 to the first S ≥ h, over `runs` direct runs
 * (the check of {@link renewalArl}; also works for increments that change with time, e.g. a day cycle).
 * `draw(t)` gives the increment of bucket t (counted from the start of the series, not of the run).
 */
export function directArl(draw: (t: number) => number, h: number, runs: number): { arl: number; se: number } {
  let t = 0;
  const lengths: number[] = [];
  for (let r = 0; r < runs; r++) {
    let s = 0;
    let len = 0;
    for (;;) {
      s = Math.max(0, s + draw(t));
      t += 1;
      len += 1;
      if (s >= h) break;
    }
    lengths.push(len);
  }
  const mean = lengths.reduce((a, b) => a + b, 0) / runs;
  const sd = Math.sqrt(lengths.reduce((a, b) => a + (b - mean) ** 2, 0) / (runs - 1));
  return { arl: mean, se: sd / Math.sqrt(runs) };
}

/**
 * The threshold h for an in-control ARL₀ of `target` buckets, from an ARL curve: linear interpolation of
 * ln ARL between the grid points where it crosses ln target; `hGrid[0]` (the floor) when even that gives a
 * longer run length; NaN when the grid does not reach it.
 */
export function thresholdFor(hGrid: readonly number[], arl: ArrayLike<number>, target: number): number {
  if (arl[0]! >= target) return hGrid[0]!;
  for (let k = 1; k < hGrid.length; k++) {
    if (arl[k]! >= target) {
      const lo = Math.log(arl[k - 1]!);
      const hi = Math.log(arl[k]!);
      const w = hi > lo ? (Math.log(target) - lo) / (hi - lo) : 1;
      return hGrid[k - 1]! + w * (hGrid[k]! - hGrid[k - 1]!);
    }
  }
  return Number.NaN;
}

/** Geometric grid points. */
function points(g: { first: number; ratio: number; count: number }): number[] {
  return Array.from({ length: g.count }, (_, i) => g.first * g.ratio ** i);
}

/** The grids of the committed table (hourly presets: ARL₀ 2 / 4 weeks and beyond by extension). */
export const TABLE_GRID = {
  shift: 3,
  volume: { first: 1, ratio: 2, count: 11 },
  share: { first: 0.025, ratio: 2, count: 5 },
  rho: { first: 0.001, ratio: Math.sqrt(10), count: 5 },
  arlBuckets: { first: 42, ratio: 2, count: 5 },
  floor: Math.LN2,
} as const;

/** Default number of renewal cycles per grid cell. */
export const CYCLES = 1_000_000;
/** Base seed; cell i uses seed BASE_SEED + i. */
export const BASE_SEED = 20_260_701;

/** Builds the whole table (deterministic for given `cycles` and seed). */
export function buildTable(cycles = CYCLES, log: (s: string) => void = () => {}): ShareCusumTable {
  const g = TABLE_GRID;
  const arls = points(g.arlBuckets);
  const hTop = Math.log(arls[arls.length - 1]!) + 0.05;
  const hGrid: number[] = [];
  for (let h = g.floor; h <= hTop; h += 0.025) hGrid.push(h);
  const volumes = points(g.volume);
  const shares = points(g.share);
  const rhos = points(g.rho);
  const size = volumes.length * shares.length * rhos.length;
  const h = new Array<number>(arls.length * size).fill(Number.NaN);
  let cell = 0;
  for (const [iv, nu] of volumes.entries()) {
    for (const [is, p0] of shares.entries()) {
      for (const [ir, rho] of rhos.entries()) {
        const d = incrementDistribution(nu, p0, rho, g.shift);
        const u = mulberry32(BASE_SEED + cell);
        const curve = renewalArl(() => drawIncrement(d, u), hGrid, cycles);
        const k = (iv * shares.length + is) * rhos.length + ir;
        for (const [ia, a] of arls.entries()) {
          // Never above Lorden's bound: a Monte Carlo h above ln ARL₀ would only be noise.
          h[ia * size + k] = Math.min(Math.log(a), thresholdFor(hGrid, curve.arl, a));
        }
        log(
          `ν ${nu} p0 ${p0} ρ ${rho.toPrecision(3)}: drift ${d.mean.toFixed(3)}, E[e^LLR] ${d.expMean.toFixed(4)}, ` +
            `h ${arls.map((a) => h[arls.indexOf(a) * size + k]!.toFixed(2)).join(' / ')} (Lorden ${arls.map((a) => Math.log(a).toFixed(2)).join(' / ')})`,
        );
        cell += 1;
      }
    }
  }
  return {
    shift: g.shift,
    volume: { ...g.volume },
    share: { ...g.share },
    rho: { ...g.rho },
    arlBuckets: { ...g.arlBuckets },
    floor: g.floor,
    h,
  };
}

/** The table as the TypeScript module `share-cusum-table.ts`. */
export function tableSource(t: ShareCusumTable, cycles: number): string {
  const rows: string[] = [];
  const per = t.rho.count;
  for (let i = 0; i < t.h.length; i += per)
    rows.push(
      `    ${t.h
        .slice(i, i + per)
        .map((x) => x.toFixed(3))
        .join(', ')},`,
    );
  return `// biome-ignore-all lint/suspicious/noApproximativeNumericConstant: simulated thresholds, not constants
/**
 * Generated by \`npx tsx scripts/lib/spikes-share-arl.ts --write\` (${cycles} renewal cycles per cell, seeds
 * ${BASE_SEED} + cell index). Do not edit by hand. The share CUSUM's threshold h (natural log) for an in-control
 * average run length ARL₀, simulated on the detector's null model (Poisson volume, beta-binomial negatives),
 * indexed [ARL₀][mean volume per bucket][baseline share][ρ]; each already capped at Lorden's ln ARL₀.
 * Method: docs/spikes.md, seventh round.
 */
import type { ShareCusumTable } from './share-cusum.ts';

export const SHARE_CUSUM_TABLE: ShareCusumTable = {
  shift: ${t.shift},
  volume: { first: ${t.volume.first}, ratio: ${t.volume.ratio}, count: ${t.volume.count} },
  share: { first: ${t.share.first}, ratio: ${t.share.ratio}, count: ${t.share.count} },
  rho: { first: ${t.rho.first}, ratio: Math.sqrt(10), count: ${t.rho.count} },
  arlBuckets: { first: ${t.arlBuckets.first}, ratio: ${t.arlBuckets.ratio}, count: ${t.arlBuckets.count} },
  floor: Math.LN2,
  h: [
${rows.join('\n')}
  ],
};
`;
}

/** The checks quoted in docs/spikes.md (seventh round). */
export function checks(log: (s: string) => void): void {
  const hGrid: number[] = [];
  for (let h = Math.LN2; h <= 7; h += 0.025) hGrid.push(h);
  const cases = [
    { nu: 4, p0: 0.1, rho: 0.005 },
    { nu: 27, p0: 0.1, rho: 0.005 },
    { nu: 27, p0: 0.2, rho: 0.005 },
    { nu: 200, p0: 0.1, rho: 0.005 },
    { nu: 600, p0: 0.1, rho: 0.005 },
  ];
  for (const [i, c] of cases.entries()) {
    const d = incrementDistribution(c.nu, c.p0, c.rho, 3);
    const u = mulberry32(7 + i);
    const curve = renewalArl(() => drawIncrement(d, u), hGrid, CYCLES);
    const at = (h: number) => {
      const k = hGrid.findIndex((x) => x >= h - 1e-9);
      return curve.arl[k]!;
    };
    const h168 = thresholdFor(hGrid, curve.arl, 168);
    const h672 = thresholdFor(hGrid, curve.arl, 672);
    log(
      `ν ${c.nu}, p0 ${c.p0}, ρ ${c.rho}: drift ${d.mean.toFixed(3)}/bucket; simulated ARL₀ at Lorden's h ln 168 = ${Math.log(168).toFixed(2)}: ` +
        `${at(Math.log(168)).toFixed(0)} buckets, at ln 672: ${at(Math.log(672)).toFixed(0)}; h for ARL₀ 168 / 672: ${h168.toFixed(2)} / ${h672.toFixed(2)}`,
    );
    const u2 = mulberry32(1000 + i);
    const direct = directArl(() => drawIncrement(d, u2), h672, 2000);
    log(
      `  direct run lengths at h ${h672.toFixed(2)}: ARL₀ ${direct.arl.toFixed(0)} ± ${direct.se.toFixed(0)} (target 672)`,
    );
    // A day cycle with the same mean (4 at night to 30 at midday, as in the unit tests, scaled to mean ν),
    // and a volume overdispersed around its mean (NB α = 0.5).
    const shape = Array.from(
      { length: 24 },
      (_, hr) => 4 + 26 * Math.max(0, Math.sin((Math.PI * (hr - 6)) / 14)),
    );
    const meanShape = shape.reduce((a, b) => a + b, 0) / 24;
    const hourly = shape.map((f) => incrementDistribution((c.nu * f) / meanShape, c.p0, c.rho, 3));
    const u3 = mulberry32(2000 + i);
    const day = directArl((t) => drawIncrement(hourly[t % 24]!, u3), h672, 2000);
    const nb = incrementDistribution(c.nu, c.p0, c.rho, 3, 0.5);
    const u4 = mulberry32(3000 + i);
    const od = directArl(() => drawIncrement(nb, u4), h672, 2000);
    log(
      `  same h, day-cycle volume: ${day.arl.toFixed(0)} ± ${day.se.toFixed(0)}; NB(α 0.5) volume: ${od.arl.toFixed(0)} ± ${od.se.toFixed(0)}`,
    );
  }
}

const TABLE_PATH = path.resolve(
  path.dirname(fileURLToPath(import.meta.url)),
  '../../shared/domain/spikes/share-cusum-table.ts',
);

if (import.meta.url === pathToFileURL(process.argv[1] ?? '').href) {
  const args = process.argv.slice(2);
  const log = (s: string) => process.stdout.write(`${s}\n`);
  if (args.includes('--check')) {
    checks(log);
  } else {
    const t = buildTable(CYCLES, log);
    if (args.includes('--write')) {
      writeFileSync(TABLE_PATH, tableSource(t, CYCLES));
      log(`wrote ${TABLE_PATH}`);
    }
  }
}
