/**
 * `pantau label` and `pantau export-labels`: analysts' corrections on an existing local store. Both refuse
 * a data folder without a store (a mistyped `--data-dir`) rather than create an empty one.
 */
import { writeFile } from 'node:fs/promises';
import { SOCIAL_SOURCE_KINDS } from '#functions/classify/classify.ts';
import { DEFAULT_TIME_ZONE } from '#shared/domain/dates.ts';
import type { SentimentLabel } from '#shared/domain/mention.ts';
import { localDayRange } from '#shared/domain/time.ts';
import { DateRangeError, MentionNotFoundError, OutputFileError } from '../errors.ts';
import { openExistingStore, retentionLine } from '../local-runtime.ts';
import { plural } from '../summary.ts';

type Out = (line: string) => void;

const stderrLine: Out = (line) => process.stderr.write(`${line}\n`);

/** Open the existing store of `dataDir`, saying on `notice` what retention removed on opening it. */
async function openStore(dataDir: string, notice: Out) {
  const opened = await openExistingStore(dataDir);
  const removed = retentionLine(opened);
  if (removed) notice(removed);
  return opened;
}

/**
 * Store an analyst's label for a mention (kept apart; re-classification never overwrites it).
 * @param opts.note - Already checked and cleaned by `parseNote`; empty or absent → no note.
 * @param notice - Where the retention line goes when opening the store removed something. @default stderr
 * @throws {DataFolderMissingError} when `dataDir` holds no store.
 * @throws {MentionNotFoundError} when the store has no mention `mentionId`.
 */
export async function labelCommand(
  opts: {
    mentionId: string;
    label: SentimentLabel;
    by: string;
    note?: string;
    dataDir: string;
    /** UTC ISO-8601 time of the label. @default now */
    at?: string;
  },
  out: Out,
  notice: Out = stderrLine,
): Promise<void> {
  const { db, store } = await openStore(opts.dataDir, notice);
  try {
    const mention = await store.getMention(opts.mentionId);
    if (!mention) throw new MentionNotFoundError(`No mention ${opts.mentionId} in ${opts.dataDir}`);
    await store.putLabel({
      mentionId: opts.mentionId,
      label: opts.label,
      by: opts.by,
      at: opts.at ?? new Date().toISOString(),
      ...(opts.note ? { note: opts.note } : {}),
    });
    out(`Labelled ${opts.mentionId} ${opts.label} (model said ${mention.sentiment.label})`);
  } finally {
    await db.close();
  }
}

/**
 * Write the latest label of every corrected mention labelled in `[from, to)` (calendar days in `timeZone`,
 * the regency's, as the API and the digest read days: `2026-12-01` starts at 2026-11-30T17:00Z in WIB) as JSON Lines
 * `{text, label, lang, domain, by, at}` to `opts.out` or `write` (`domain`: `social` for a mention of a social
 * source, which `train:sentiment --feedback` trains into the social block only; else `general`), and say how many on `note`, and on a second
 * `note` line how many were skipped because their mention passed retention (its text is deleted). What
 * opening the store removed past retention is a `note` line before them.
 * @returns How many corrections were exported.
 * @throws {DateRangeError} when `from` is not before `to` (the range holds no day).
 * @throws {DataFolderMissingError} when `dataDir` holds no store.
 * @throws {OutputFileError} when `opts.out` cannot be written.
 */
export async function exportLabelsCommand(
  opts: { from: string; to: string; out?: string; dataDir: string; timeZone?: string },
  write: (body: string) => void,
  note: Out,
): Promise<number> {
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  if (opts.from >= opts.to) {
    throw new DateRangeError(
      `--from ${opts.from} must be before --to ${opts.to} (--to is the day after the last one exported)`,
    );
  }
  const { db, store } = await openStore(opts.dataDir, note);
  try {
    const labels = await store.exportLabels(
      localDayRange(opts.from, timeZone).start,
      localDayRange(opts.to, timeZone).start,
    );
    const latest = new Map(labels.map((l) => [l.mentionId, l]));
    const lines: string[] = [];
    let expired = 0;
    for (const label of latest.values()) {
      const mention = await store.getMention(label.mentionId);
      // `label` refuses unknown mentions, so a label without one outlived its mention's retention: the
      // text is gone by law (UU 27/2022) and there is nothing to train on.
      if (!mention) {
        expired += 1;
        continue;
      }
      const text =
        mention.title && !mention.text.startsWith(mention.title)
          ? `${mention.title}. ${mention.text}`
          : mention.text;
      lines.push(
        JSON.stringify({
          text,
          label: label.label.toLowerCase(),
          lang: mention.lang,
          domain: SOCIAL_SOURCE_KINDS.has(mention.sourceKind) ? 'social' : 'general',
          by: label.by,
          at: label.at,
        }),
      );
    }
    const body = lines.length > 0 ? `${lines.join('\n')}\n` : '';
    if (opts.out) {
      try {
        await writeFile(opts.out, body);
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const reason =
          code === 'ENOENT'
            ? 'its folder does not exist'
            : code === 'EACCES'
              ? 'permission denied'
              : code === 'EISDIR'
                ? 'it is a folder; give a file name'
                : (error as Error).message;
        throw new OutputFileError(`cannot write --out ${opts.out}: ${reason}`, { cause: error });
      }
    } else write(body);
    note(`${plural(lines.length, 'correction')} exported`);
    if (expired > 0)
      note(
        `${plural(expired, 'correction')} skipped: ${expired === 1 ? 'its' : 'their'} mention passed retention (text deleted)`,
      );
    return lines.length;
  } finally {
    await db.close();
  }
}
