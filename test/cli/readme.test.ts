import { existsSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { describe, expect, it } from 'vitest';
import { parseReplayLines } from '#shared/adapters/sources/replay.ts';
import { mentionId } from '#shared/domain/mention.ts';
import { canonicalUrl } from '#shared/domain/url.ts';
import { REPLAY_COMMAND } from '../../cli/summary.ts';

const README = await readFile('README.md', 'utf8');
const REAL_REPLAY = '../shared/data/replay/majalengka-real/mentions.jsonl';
/** The data folder of the README's replay walkthrough. */
const REPLAY_DIR = /--data-dir (\S+)/.exec(REPLAY_COMMAND)?.[1] ?? '';

/** The `npm run pantau -- <command> …` examples of the README (inline code), for `command`. */
function examples(command: string): string[] {
  return [...README.matchAll(/`(npm run pantau -- ([a-z-]+(?: [a-z]+)?)\b[^`]*)`/g)]
    .filter((m) => m[2] === command)
    .map((m) => m[1] ?? '');
}

describe("README: the commands after the replay walkthrough use the replay's data folder (QA 5)", () => {
  it('walks through the replay into the folder the summary hint names', () => {
    expect(REPLAY_DIR).toBe('.pantau-replay');
    expect(README).toContain(REPLAY_COMMAND);
  });

  it('gives label, export-labels and api-key create that folder', () => {
    for (const command of ['label', 'export-labels', 'api-key create']) {
      const found = examples(command);
      expect(found.length, command).toBeGreaterThan(0);
      for (const example of found) expect(example, command).toContain(`--data-dir ${REPLAY_DIR}`);
    }
  });

  it.skipIf(!existsSync(REAL_REPLAY))(
    'labels a mention the replay stores (its id is a line of the real sample)',
    async () => {
      const id = /label ([0-9a-f]{32}) /.exec(examples('label')[0] ?? '')?.[1];
      const ids = parseReplayLines(await readFile(REAL_REPLAY)).items.map((i) =>
        mentionId(canonicalUrl(i.url)),
      );
      expect(ids).toContain(id);
    },
  );
  if (!existsSync(REAL_REPLAY))
    console.warn(`skipped the README label id check: ${REAL_REPLAY} is absent (the shared data folder)`);
});
