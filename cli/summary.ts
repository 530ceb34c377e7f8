/** Text the CLI prints for people: the run summary and counted nouns. */
import { truncateText } from '#shared/domain/text.ts';
import { heldBackEvents } from '#shared/domain/windows.ts';
import type { DetectionReport, HeldBackSpike, RunSummary } from './local-runtime.ts';

/** `n word`, with the plural for any n but 1: `plural(1, 'correction')` → `1 correction`. */
export function plural(n: number, singular: string, pluralForm = `${singular}s`): string {
  return `${n} ${n === 1 ? singular : pluralForm}`;
}

/**
 * The config's sources that are switched off (`"enabled": false`), as a parenthesis for a count line, e.g.
 * ` (5 disabled in the config: mastodon-majalengka, bluesky-majalengka, …)`; empty when none is. QA: `check-config`
 * said "12 sources" and `npm start` "Collecting from 7 sources" without naming the other five.
 */
export function disabledSourcesNote(
  sources: readonly { readonly id: string; readonly enabled: boolean }[],
): string {
  const off = sources.filter((s) => !s.enabled).map((s) => s.id);
  return off.length > 0 ? ` (${off.length} disabled in the config: ${off.join(', ')})` : '';
}

/**
 * The run summary `npm start` prints, as lines (no trailing newlines). One line per source: its counts
 * (as on the headline), `skipped (<code>): <reason>` (never polled: credentials missing, budget spent) or
 * `failed: <reason>`, the reason shortened by {@link briefSourceError} (its progress line, printed while
 * running, holds it whole). The closing advice speaks only of the sources that were polled, and counts the
 * skipped ones apart.
 */
export function formatSummary(s: RunSummary): string[] {
  const lines: string[] = [];
  const out = (line = '') => lines.push(line);
  out();
  out('Pantau run summary');
  out(
    `  mentions: ${s.mentions.fetched} fetched, ${s.mentions.new} new, ${s.mentions.duplicate} duplicate, ${s.mentions.unmatched} unmatched, ${s.mentions.rejected} rejected`,
  );
  for (const r of s.sources) {
    const why = briefSourceError(r.error ?? 'unknown', r.sourceId);
    if (r.ok)
      out(
        `    ${r.sourceId}: ${r.fetched} fetched, ${r.new} new${r.byQuery ? ` (${r.byQuery} counted for the search keyword: their text names none)` : ''}, ${r.duplicate} duplicate, ${r.unmatched} unmatched, ${r.rejected} rejected`,
      );
    else if (r.skipped) out(`    ${r.sourceId}: skipped (${r.skipped.code}): ${why}`);
    else out(`    ${r.sourceId}: failed: ${why}`);
  }
  if (s.resumed.pending > 0)
    out(
      `  resumed ${plural(s.resumed.pending, 'pending mention')} from an interrupted run${s.resumed.alreadyStored > 0 ? ` (${s.resumed.alreadyStored} of them already stored before it stopped, counted once)` : ''}`,
    );
  out(
    `  classified: ${s.classified} (${Object.entries(s.sentiment)
      .map(([k, v]) => `${k.toLowerCase()} ${v}`)
      .join(', ')})`,
  );
  if (s.deadLetterFile)
    out(`  dead-lettered messages kept in ${s.deadLetterFile} (see -v for why they failed)`);
  if (s.rejectedMessages > 0 || s.deadLettered > 0)
    out(
      `  rejected messages: ${s.rejectedMessages}, dead-lettered: ${s.deadLettered}${s.rejectedMessages > 0 ? ` (rejected ones are stored with their reason: npm run pantau -- rejected --data-dir ${JSON.stringify(s.dataDir)})` : ''}`,
    );
  out(alertsLine(s));
  for (const line of heldBackLines(s.heldBack)) out(line);
  for (const line of detectionLines(s.detection, s.mentions)) out(line);
  out(`  digest (${s.digestDate}): ${s.digest}`);
  const digestLine = digestCoverageLine(s);
  if (digestLine) out(digestLine);
  out(`  data folder: ${s.dataDir}`);
  const skipped = s.skippedSources.length;
  const nonePolled = s.sources.length > 0 && skipped === s.sources.length;
  if (s.allSourcesFailed || nonePolled) {
    out();
    if (nonePolled)
      out(`No source was polled (${plural(skipped, 'source')} skipped), so nothing new was collected.`);
    else if (skipped > 0)
      out(
        `Every source that was polled failed (${s.failedSources.length} of ${s.sources.length}; ${skipped} skipped, not polled), so nothing new was collected (no network?).`,
      );
    else out('Every source failed, so nothing new was collected (no network?).');
    out('To run on real Majalengka mentions offline, replay a JSON Lines file:');
    out(`  ${REPLAY_COMMAND}`);
  }
  return lines;
}

/** Longest reason {@link briefSourceError} returns, in UTF-16 units. */
const MAX_BRIEF_ERROR = 100;

/**
 * A source's error shortened for its summary line: without the error class and source id it starts with
 * (`SourceNetworkError: gnews-x: `) or a leading `skipped: `, each URL shown by its host, cut to
 * {@link MAX_BRIEF_ERROR} characters with `…`. The full text is in the progress line and `--json`.
 * @example briefSourceError('SourceHttpError: rss-x: HTTP 503 from https://ex.id/feed.xml', 'rss-x') // 'HTTP 503 from ex.id'
 */
export function briefSourceError(error: string, sourceId: string): string {
  let text = error.replace(/^[A-Za-z]*Error: /, '');
  if (text.startsWith(`${sourceId}: `)) text = text.slice(sourceId.length + 2);
  text = text
    .replace(/^skipped: /, '')
    // A URL ends at white space or at ': ' (the message's next clause); a query may hold ':' itself.
    .replace(/https?:\/\/\S+?(?=:\s|\s|$)/g, (url) => (URL.canParse(url) ? new URL(url).host : url))
    .replace(/\s+/g, ' ')
    .trim();
  return text.length > MAX_BRIEF_ERROR ? `${truncateText(text, MAX_BRIEF_ERROR - 1)}…` : text;
}

/** The README's replay command: a fresh data folder, so the detector's clock cannot have passed the replay. */
export const REPLAY_COMMAND =
  'npm start -- --replay ../shared/data/replay/majalengka-real/mentions.jsonl --data-dir .pantau-replay';

/**
 * `alerts raised: N`, and when this run also delivered alerts an earlier run raised but never sent (it
 * was stopped, or delivery failed), how many; alerts raised and not delivered are said to be retried. So
 * after a kill, the re-run's `alerts raised: 1` is not read as "one alert" when three went out.
 */
export function alertsLine(s: Pick<RunSummary, 'alerts' | 'alertsDelivered'>): string {
  const { total, fromEarlierRuns } = s.alertsDelivered;
  const ownDelivered = total - fromEarlierRuns;
  const parts = [`  alerts raised: ${s.alerts}`];
  if (fromEarlierRuns > 0)
    parts.push(
      `also delivered ${plural(fromEarlierRuns, 'alert')} an earlier run raised but had not sent (it was stopped, or delivery failed)`,
    );
  if (ownDelivered < s.alerts)
    parts.push(
      `${s.alerts - ownDelivered} not delivered (kept, and sent by the next run within 24 hours; -v says why)`,
    );
  return parts.join('; ');
}

/**
 * The line under the digest path when spike detection did not check all of the digest day's hours, with
 * the cause: for a replay or `--date` run the detector's clock had already passed them (it never goes
 * back); for a live run, one run checks only the closed hours just before it. Undefined when every hour
 * was checked or coverage is unknown.
 */
export function digestCoverageLine(s: RunSummary): string | undefined {
  const c = s.digestChecked;
  if (!c || c.checked >= c.hours) return undefined;
  const head = `    spike detection checked ${c.checked} of its ${c.hours} hours (the digest names the others)`;
  if (!s.detection.historic)
    return `${head}: one live run checks only the 3 closed hours before it; deployed, the 15-minute schedule checks every hour`;
  if (!s.detection.clockBefore) return head;
  return `${head}: the detector's clock (${hourLabel(s.detection.clockBefore)}) had already passed ${c.checked === 0 ? 'the day' : 'the others'} before this run, and it never goes back. To check the day, replay into a fresh --data-dir with --date ${s.digestDate}`;
}

/** Held-back events named one by one at most this many times; the rest are counted. */
const MAX_HELD_BACK_LINES = 5;
/** Series named per held-back event at most this many times. */
const MAX_SERIES_NAMED = 3;

/**
 * Spikes found but not alerted on, so a held-back spike is not read as calm: one headline counting events
 * (overlapping windows, `heldBackEvents` in `shared/domain/windows.ts`) with the reason, e.g.
 * `spikes held back: 1 (too few distinct authors: 1 < 2)`, then one line per event. Nothing when none.
 */
export function heldBackLines(heldBack: readonly HeldBackSpike[]): string[] {
  if (heldBack.length === 0) return [];
  const events = heldBackEvents(heldBack);
  const why = [...new Set(heldBack.map((h) => `${h.distinctAuthors} < ${h.minDistinctAuthors}`))].join(', ');
  const lines = [`  spikes held back: ${events.length} (too few distinct authors: ${why})`];
  for (const e of events.slice(0, MAX_HELD_BACK_LINES)) {
    const series = [...new Set(e.spikes.map((h) => h.detectorId.replace(/^(neg|share):/, '')))];
    const named = series.slice(0, MAX_SERIES_NAMED).join(', ');
    const more = series.length > MAX_SERIES_NAMED ? ` and ${series.length - MAX_SERIES_NAMED} more` : '';
    const authors = Math.max(...e.spikes.map((h) => h.distinctAuthors));
    lines.push(
      `    ${hourLabel(e.from)} to ${hourLabel(e.to)}: ${plural(authors, 'distinct author')} (alerts need ${e.spikes[0]?.minDistinctAuthors ?? 0}); ${plural(series.length, 'series', 'series')}: ${named}${more}`,
    );
  }
  if (events.length > MAX_HELD_BACK_LINES)
    lines.push(`    and ${events.length - MAX_HELD_BACK_LINES} more (--json lists every window)`);
  return lines;
}

/**
 * The hours detection could alert on, from the start of the first to the end of the last (QA: "to 16:00 UTC"
 * named the start of a last hour that ends at 17:00), e.g. `from 2026-11-27 14:00 UTC to 2026-11-28 17:00 UTC`.
 * @param firstStart - UTC ISO-8601 start of the first hour; @param lastStart - of the last hour.
 */
function alertableRange(firstStart: string, lastStart: string): string {
  const end = new Date(Date.parse(lastStart) + 3_600_000).toISOString();
  return `from ${hourLabel(firstStart)} to ${hourLabel(end)}`;
}

/** `2026-11-30T17:00:00.000Z` → `2026-11-30 17:00 UTC`. */
function hourLabel(iso: string): string {
  return `${iso.slice(0, 16).replace('T', ' ')} UTC`;
}

/**
 * What spike detection did and did not check, so a run never seems to have checked more than it did: how
 * many replayed hours could raise an alert; replayed hours the detector's clock had already passed (it never
 * goes back), split into those within 24 hours of it, whose mentions are tested as late mentions at the next
 * hour it steps (said when that happened, or that it is still to come), and older ones, never tested; and
 * hours skipped because the detector was more than 28 days behind. Nothing for an ordinary live run.
 */
export function detectionLines(d: DetectionReport, mentions?: RunSummary['mentions']): string[] {
  const lines: string[] = [];
  if (d.replayHours > 0 && d.storedNew === 0) {
    // A re-run of the same replay (or one after a run stopped in detect or digest): the run that stored
    // the mentions reported on them; this one can only have stepped hours the detector had not reached.
    const why =
      !mentions || mentions.duplicate === mentions.fetched
        ? 'every replayed mention was already stored'
        : `no replayed mention was new to the store: ${mentions.duplicate} already stored, ${mentions.unmatched} unmatched, ${mentions.rejected} rejected`;
    lines.push(
      d.replayHoursChecked > 0 && d.checkedFrom && d.checkedTo
        ? `  spike detection: no new mention (${why}); it stepped ${plural(d.replayHoursChecked, 'replayed hour')} it had not reached yet (alerts possible ${alertableRange(d.checkedFrom, d.checkedTo)})`
        : `  spike detection: nothing new to check (${why})`,
    );
  } else if (d.replayHours > 0) {
    const after = d.replayHoursAfter ?? 0;
    const history = d.replayHours - d.replayHoursChecked - d.replayHoursBeforeClock - after > 0;
    const range =
      d.checkedFrom && d.checkedTo
        ? ` (alerts possible ${alertableRange(d.checkedFrom, d.checkedTo)}${history ? '; earlier replayed hours are history, learnt but not alerted on' : ''}${after > 0 ? `; ${plural(after, 'replayed hour')} after it not stepped (choose a later --date)` : ''})`
        : '';
    lines.push(`  replayed hours checked for spikes: ${d.replayHoursChecked} of ${d.replayHours}${range}`);
  }
  if (d.replayHoursLate > 0 && d.clockBefore) {
    const hours = `${plural(d.replayHoursLate, 'replayed hour')} at or before the detector's clock (${hourLabel(d.clockBefore)}) but within 24 hours of it`;
    if (d.lateMentions > 0 && d.lateAddedTo) {
      // Only an hour in the alert range can raise an alert; an older one only teaches the baseline.
      const canAlert =
        !!d.checkedFrom && !!d.checkedTo && d.lateAddedTo >= d.checkedFrom && d.lateAddedTo <= d.checkedTo;
      lines.push(
        canAlert
          ? `  tested as late mentions: ${hours}; ${plural(d.lateMentions, 'late mention')} added to ${hourLabel(d.lateAddedTo)} and tested there`
          : `  late mentions learnt as history: ${hours}; ${plural(d.lateMentions, 'late mention')} added to ${hourLabel(d.lateAddedTo)}, too old to raise an alert`,
      );
    } else if (d.clockAfter === d.clockBefore)
      lines.push(
        `  late mentions waiting: ${hours}; their new mentions are tested at the next hour the detector steps, in a run after ${hourLabel(nextHourClose(d.clockBefore))}`,
      );
    else lines.push(`  late mentions: none new in ${hours}`);
  }
  const old = d.replayHoursBeforeClock - d.replayHoursLate;
  if (old > 0 && d.clockBefore) {
    lines.push(
      `  not checked for spikes: ${plural(old, 'replayed hour')} holding mentions this run stored, at least 24 hours before the detector's clock (${hourLabel(d.clockBefore)}); it steps each hour once and tests late mentions of its last 24 hours only. To check one day of them, replay into a fresh --data-dir with --date <that day> (a replay can alert on its digest day and the 3 hours before it).`,
    );
  }
  if (d.skippedHours > 0) {
    lines.push(
      `  not checked for spikes: ${plural(d.skippedHours, 'hour')} skipped; the detector was more than 28 days behind, so it resumed 14 days before the last closed hour`,
    );
  }
  return lines;
}

/** When the hour after `clockIso` closes: the clock plus two hours (ISO). */
function nextHourClose(clockIso: string): string {
  return new Date(Date.parse(clockIso) + 2 * 3_600_000).toISOString();
}
