/**
 * `pantau rejected`: the messages the classifier refused (poison: not JSON, not a mention) that a local run
 * stored as rejected items (`REJ#<day>`, see docs/data-model.md), so a run's "rejected messages: N" can be
 * looked at instead of only counted.
 */
import { DEFAULT_TIME_ZONE } from '#shared/domain/dates.ts';
import { truncateText } from '#shared/domain/text.ts';
import { addDays, localDayRange } from '#shared/domain/time.ts';
import { DateRangeError } from '../errors.ts';
import { openExistingStore, retentionLine } from '../local-runtime.ts';
import { plural } from '../summary.ts';

/** The longest range listed, days: the store reads one partition per day. */
export const MAX_REJECTED_RANGE_DAYS = 366;

/** How much of a rejected body each line shows (characters); the stored body holds up to 64 KiB. */
export const REJECTED_BODY_SHOWN = 300;

/**
 * Print one JSON line per rejected message stored in `[from, to)` (calendar days in `timeZone`, as the rest
 * of the CLI reads days): `{"at","messageId","code","reason","body"}`, `body` cut to
 * {@link REJECTED_BODY_SHOWN} characters; then on `note` how many.
 * @returns How many rejected messages were listed.
 * @throws {DateRangeError} when `from` is not before `to`, or they are more than
 * {@link MAX_REJECTED_RANGE_DAYS} days apart.
 * @throws {DataFolderMissingError} when `dataDir` holds no store.
 */
export async function rejectedCommand(
  opts: { readonly from: string; readonly to: string; readonly dataDir: string; readonly timeZone?: string },
  out: (line: string) => void,
  note: (line: string) => void,
): Promise<number> {
  if (opts.from >= opts.to)
    throw new DateRangeError(
      `--from ${opts.from} must be before --to ${opts.to} (--to is the day after the last one listed)`,
    );
  if (Date.parse(opts.to) - Date.parse(opts.from) > MAX_REJECTED_RANGE_DAYS * 86_400_000)
    throw new DateRangeError(
      `--from ${opts.from} to --to ${opts.to}: at most ${MAX_REJECTED_RANGE_DAYS} days at a time`,
    );
  const timeZone = opts.timeZone ?? DEFAULT_TIME_ZONE;
  const opened = await openExistingStore(opts.dataDir);
  try {
    const removed = retentionLine(opened);
    if (removed) note(removed);
    const from = localDayRange(opts.from, timeZone).start;
    const to = localDayRange(opts.to, timeZone).start;
    // The store reads whole UTC days; keep the messages inside the asked local days.
    const rejected = (await opened.store.listRejected(from, to))
      .filter((r) => r.at >= from && r.at < to)
      .sort((a, b) => (a.at < b.at ? -1 : a.at > b.at ? 1 : 0));
    for (const r of rejected)
      out(
        JSON.stringify({
          at: r.at,
          messageId: r.messageId,
          code: r.code,
          reason: r.reason,
          body: truncateText(r.body, REJECTED_BODY_SHOWN),
        }),
      );
    note(
      `${plural(rejected.length, 'rejected message')} from ${opts.from} to ${addDays(opts.to, -1)} (days in ${timeZone})`,
    );
    return rejected.length;
  } finally {
    await opened.db.close();
  }
}
