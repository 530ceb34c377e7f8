/**
 * Throughput of both readings of a weight file with a social block, without reading any test split
 * (`docs/model-card.md`, "Eleventh attempt", gate (e)). The protocol of `npm run eval:sentiment` over the
 * non-test part of its pool (SmSA train + valid, IndoLEM train0 + dev0, de-duplicated): every round builds
 * each system fresh, warms it on 3,000 texts, then times one pass over the rest; median of `--rounds`
 * rounds, systems interleaved so load changes hit all alike.
 *
 *   npx tsx scripts/lib/sentiment-residual-speed.ts --model <candidate.json> [--baseline models/sentiment-id-2026.12.3.json]
 *     [--data ../shared/data/sentiment] [--rounds 3]
 *
 * Exits 0 with a message when the data folder is absent.
 */
import { existsSync, readFileSync } from 'node:fs';
import { parseArgs } from 'node:util';
import { embeddedModelFrom } from '#shared/domain/sentiment/index.ts';
import { decodeWeightFile, type TextGenre } from '#shared/domain/sentiment/model.ts';
import { DEFAULT_DATA_DIR, readIndolem, readSmsa } from './sentiment-data.ts';
import { createPeer } from './sentiment-peer.ts';

const { values } = parseArgs({
  options: {
    model: { type: 'string' },
    baseline: { type: 'string', default: 'models/sentiment-id-2026.12.3.json' },
    data: { type: 'string', default: DEFAULT_DATA_DIR },
    rounds: { type: 'string', default: '3' },
  },
});
if (!values.model) {
  console.error('sentiment-residual-speed: --model <weights.json> is required');
  process.exit(2);
}
if (!existsSync(values.data)) {
  console.log(`sentiment-residual-speed: data folder ${values.data} not found; skipped.`);
  process.exit(0);
}
const pool = [
  ...new Set(
    [
      ...readSmsa(values.data, 'train'),
      ...readSmsa(values.data, 'valid'),
      ...readIndolem(values.data, 'train0'),
      ...readIndolem(values.data, 'dev0'),
    ].map((r) => r.text),
  ),
];
const WARM = pool.slice(0, 3_000);
const TIMED = pool.slice(3_000);
const candidateJson: unknown = JSON.parse(readFileSync(values.model, 'utf8'));
const baselineJson: unknown = JSON.parse(readFileSync(values.baseline, 'utf8'));

type Factory = () => Promise<(text: string) => unknown>;
const pantau =
  (json: unknown, genre: TextGenre): Factory =>
  async () => {
    const model = embeddedModelFrom(decodeWeightFile(json));
    return (t: string) => model.classify(t, 'id', genre);
  };
const systems: Record<string, Factory> = {
  peer: async () => {
    const p = await createPeer();
    return (t: string) => p.analyze(t);
  },
  'candidate general': pantau(candidateJson, 'auto'),
  'candidate social': pantau(candidateJson, 'social'),
  'baseline general': pantau(baselineJson, 'auto'),
  // A baseline with its own social block (2026.12.5) is timed under the social reading too, so a candidate's
  // social reading can be compared in the same run ("Fourteenth attempt", gate (d)).
  ...(typeof baselineJson === 'object' && baselineJson !== null && 'social' in baselineJson
    ? { 'baseline social': pantau(baselineJson, 'social') }
    : {}),
};
const rates: Record<string, number[]> = {};
for (let r = 0; r < Number(values.rounds); r++) {
  for (const [name, fresh] of Object.entries(systems)) {
    const classify = await fresh();
    for (const t of WARM) await classify(t);
    const start = performance.now();
    for (const t of TIMED) await classify(t);
    const rate = TIMED.length / ((performance.now() - start) / 1000);
    rates[name] = [...(rates[name] ?? []), rate];
  }
}
console.log(`${TIMED.length} timed texts, ${values.rounds} rounds`);
for (const [name, list] of Object.entries(rates)) {
  const sorted = [...list].sort((x, y) => x - y);
  console.log(
    `${name}: median ${Math.round(sorted[Math.floor(sorted.length / 2)]!)} docs/s (rounds ${list.map(Math.round).join(', ')})`,
  );
}
