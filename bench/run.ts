/**
 * `npm run bench`: every benchmark, one after another, each in its own process (so one's heap and JIT
 * state cannot colour another's figures). Output is what BENCHMARKS.md quotes.
 * Usage: `npm run bench` (all) or `npm run bench -- feeds store` (some).
 */
import { spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';

const BENCHES: Record<string, { file: string; args?: string[]; what: string }> = {
  sentiment: { file: 'scripts/eval-sentiment.ts', what: 'sentiment accuracy and speed vs @nlpjs/lang-id' },
  spikes: { file: 'bench/spikes.ts', what: 'spike detector: negative-share benchmark and update cost' },
  nab: { file: 'scripts/eval-spikes.ts', what: 'spike detector on NAB realTweets (LOFO)' },
  feeds: { file: 'bench/feeds.ts', what: 'feed parsing vs rss-parser' },
  sources: { file: 'bench/sources.ts', what: 'keyword/topic matching and replay parsing' },
  store: { file: 'bench/store.ts', what: 'store writes vs naive Put + ADD' },
  bundles: { file: 'scripts/measure-bundles.ts', what: 'Lambda bundle sizes and cold-start import time' },
};

const wanted = process.argv.slice(2).filter((a) => !a.startsWith('-'));
const names = wanted.length > 0 ? wanted : Object.keys(BENCHES);
let failed = 0;
for (const name of names) {
  const bench = BENCHES[name];
  if (!bench) {
    console.error(`unknown benchmark '${name}' (have: ${Object.keys(BENCHES).join(', ')})`);
    failed++;
    continue;
  }
  console.log(`\n=== ${name}: ${bench.what} (npx tsx ${bench.file}) ===`);
  if (!existsSync(bench.file)) {
    console.log(`skipped: ${bench.file} not found`);
    continue;
  }
  const run = spawnSync('npx', ['tsx', bench.file, ...(bench.args ?? [])], {
    stdio: 'inherit',
    env: { ...process.env, AWS_SDK_JS_NODE_VERSION_SUPPORT_WARNING_DISABLED: 'true' },
  });
  if (run.status !== 0) {
    console.error(`${name} exited with ${run.status}`);
    failed++;
  }
}
process.exitCode = failed > 0 ? 1 : 0;
