/**
 * The daily digest for analysts: numbers ({@link buildDigest}) and three renderings in Bahasa Indonesia
 * (Markdown, inline-styled HTML e-mail, plain text). Pure: the digest use case gathers the inputs.
 * Every piece of user text (titles, outlets, source names, URLs) is escaped for its format.
 */
import type { Alert, NarrativeSummary } from './alert.ts';
import {
  formatNumberId,
  formatPercent,
  formatWindow,
  groupAlerts,
  usualCount,
  usualShare,
  zoneLabel,
} from './alert-render.ts';
import type { RegencyConfig } from './config.ts';
import { type ScoredMention, SENTIMENT_LABELS, type SentimentLabel } from './mention.ts';
import { regencyNameTerms } from './narratives/text.ts';
import { heldBackEvents } from './windows.ts';

export type SentimentCounts = Record<SentimentLabel, number>;

/** One mention as the digest lists it. */
export interface DigestItem {
  readonly id: string;
  readonly url: string;
  readonly title: string;
  readonly source: string;
  readonly outlet?: string;
  /** UTC ISO-8601. */
  readonly publishedAt: string;
  readonly label: SentimentLabel;
  /** Probability of the label's class (0–1). */
  readonly confidence: number;
  /** Likes + shares + replies (views excluded: not comparable across sources). */
  readonly engagement: number;
  /** The source gave no exact time (a date only, or none): `publishedAt` is an estimate, shown as such. */
  readonly publishedAtEstimated?: true;
}

export interface DayPoint {
  /** Local date `yyyy-mm-dd`. */
  readonly date: string;
  readonly total: number;
  readonly negative: number;
  readonly positive: number;
}

export interface Digest {
  readonly regency: string;
  readonly regencyName: string;
  /** Local date covered, `yyyy-mm-dd`. */
  readonly date: string;
  readonly timeZone: string;
  /** The day in UTC: `[start, end)`, ISO-8601. */
  readonly range: { readonly start: string; readonly end: string };
  readonly generatedAt: string;
  readonly totals: {
    readonly mentions: number;
    readonly sentiment: SentimentCounts;
    /** (positive − negative) / mentions, in [−1, 1]; 0 when there are none. */
    readonly netSentiment: number;
    /** negative / mentions (0–1). */
    readonly negativeShare: number;
  };
  /** Against the average of the 7 days before. `null` when those days had no mentions. */
  readonly change: {
    readonly sevenDayAverage: number;
    readonly changePct: number | null;
    readonly negativeSevenDayAverage: number;
    readonly negativeChangePct: number | null;
  };
  /** The 7 days before and the day itself, oldest first (for the chart). */
  readonly daily: readonly DayPoint[];
  /** What the day's negative mentions were about (largest first), with example links. */
  readonly narratives: readonly {
    readonly topTerms: readonly string[];
    readonly size: number;
    readonly distinctAuthors: number;
    readonly coordinated: boolean;
    readonly examples: readonly { readonly title: string; readonly url: string }[];
  }[];
  readonly topNegative: readonly DigestItem[];
  readonly topPositive: readonly DigestItem[];
  readonly mostEngaged: readonly DigestItem[];
  readonly bySource: readonly {
    readonly source: string;
    readonly count: number;
    readonly negative: number;
  }[];
  readonly byTopic: readonly {
    readonly topic: string;
    readonly label: string;
    readonly opd: string;
    readonly count: number;
    readonly negative: number;
  }[];
  readonly byKeyword: readonly {
    readonly keyword: string;
    readonly label: string;
    readonly count: number;
    readonly negative: number;
  }[];
  readonly alerts: readonly {
    readonly id: string;
    readonly keyword?: string;
    readonly topic?: string;
    /** What the alert covers, for people: `kata kunci <label>`, `topik <label>` or `semua sebutan`. */
    readonly scope: string;
    /**
     * The event it belongs to (1, 2, … in order): alerts of one story in several scopes at once, grouped as the
     * alert messages group them (`groupAlerts`); the first alert of an event is its primary.
     */
    readonly event: number;
    /** `volume`: more negative mentions than usual; `share`: a larger negative share. */
    readonly kind: 'volume' | 'share';
    readonly windowStart: string;
    /** End of the alert's window (UTC ISO-8601, exclusive). */
    readonly windowEnd: string;
    readonly observed: number;
    readonly expected: number;
    /** Negative share in the window and its baseline (0–1), and the mentions of the window. */
    readonly observedShare: number;
    readonly expectedShare: number;
    readonly total: number;
    /** Late mentions in the window (published earlier, observed in it), when there were any. */
    readonly late?: { readonly mentions: number; readonly publishedFrom: string };
    /** Negative mentions of the window whose time is an estimate (date without a time), when any. */
    readonly estimatedTimes?: number;
    readonly severity: string;
    readonly topTerms: readonly string[];
    readonly acknowledgedBy?: string;
  }[];
  /**
   * Whether collection ran at all that day: a quiet day and a day nobody collected look the same in
   * the counts, so the renderings say which it was.
   */
  readonly collection: {
    /** Collection runs recorded in `range`, every source, successful or not. */
    readonly runs: number;
    /** Enabled sources of the config with no recorded run in `range`, sorted by id. */
    readonly notCollected: readonly string[];
    /**
     * Sources not polled on purpose that day (every run skipped: credentials missing, budget or quota
     * spent), with the last skip code, sorted by id.
     */
    readonly skipped: readonly { readonly sourceId: string; readonly code: string }[];
  };
  /**
   * Which of the day's hours spike detection checked (the all-mentions series; absent when the caller
   * gave no detection runs): a day without alerts and a day nobody checked look the same in `alerts`.
   */
  readonly detection?: {
    /** Hours in the day (24 in WIB). */
    readonly hours: number;
    /** Hours some detect run checked recently enough to alert. */
    readonly checked: number;
    /** Maximal spans of unchecked hours, oldest first: `[start, end)`, UTC ISO-8601. */
    readonly unchecked: readonly { readonly start: string; readonly end: string }[];
    /**
     * Spikes found but not alerted on (too few distinct authors) whose window overlaps the day, merged
     * into events where windows overlap, oldest first; `start` is the first hour a spike was found in.
     */
    readonly heldBack?: readonly {
      readonly start: string;
      readonly end: string;
      /** Who the scopes are for people: "semua sebutan", keyword labels, "topik …". */
      readonly scopes: readonly string[];
      /** The most distinct authors any of its windows had, and the minimum the config asks for. */
      readonly distinctAuthors: number;
      readonly minDistinctAuthors: number;
    }[];
  };
  /** Sources with at least one failed poll that day: silence is not calm. */
  readonly failedSources: readonly {
    readonly sourceId: string;
    readonly failures: number;
    readonly runs: number;
    /**
     * The last failure as collect recorded it (error class, source id, message with URLs), for the JSON and
     * logs; the renderings give a short Indonesian reason instead (`sourceFailureReason`).
     */
    readonly lastError: string;
  }[];
}

export interface DigestInput {
  /** `sources`: the enabled ones are expected to have run during the day. */
  readonly config: Pick<RegencyConfig, 'regency' | 'name' | 'timeZone' | 'keywords' | 'topics' | 'sources'>;
  readonly date: string;
  readonly range: { readonly start: string; readonly end: string };
  readonly generatedAt: string;
  /** Every mention published in `range`. */
  readonly mentions: readonly ScoredMention[];
  /** Daily totals of the 7 days before `date`, oldest first. */
  readonly previousDays: readonly DayPoint[];
  readonly alerts: readonly Alert[];
  /** Every collection run recorded in `range` (none when nothing was collected that day). */
  readonly sourceRuns: readonly {
    readonly sourceId: string;
    readonly ok: boolean;
    readonly error?: string;
    /** Skip code when the source was not polled on purpose (not a failure). */
    readonly skipped?: string;
  }[];
  /** Narratives of the day's negative mentions (from `shared/domain/narratives`), largest first. */
  readonly narratives?: readonly NarrativeSummary[];
  /**
   * Detect runs from the day's start until the digest is built, each with the hours it checked (`[from, to)`,
   * UTC ISO-8601 hour starts). Omit only where detection coverage is not known (no `detection` then).
   */
  readonly detectionRuns?: readonly {
    readonly checked?: { readonly from: string; readonly to: string };
    /** Spikes held back by the distinct-authors guard in that run. */
    readonly heldBack?: readonly {
      readonly detectorId: string;
      readonly windowStart: string;
      readonly windowEnd: string;
      readonly distinctAuthors: number;
      readonly minDistinctAuthors: number;
    }[];
  }[];
  /** Items per list. @default 5 */
  readonly listSize?: number;
}

function emptyCounts(): SentimentCounts {
  return { POSITIVE: 0, NEGATIVE: 0, NEUTRAL: 0, MIXED: 0 };
}

function engagementOf(m: ScoredMention): number {
  return (m.engagement.likes ?? 0) + (m.engagement.shares ?? 0) + (m.engagement.replies ?? 0);
}

/** One mention per title (case and spacing folded): a copy-paste wave shows once, not five times. */
function distinctTitles(mentions: readonly ScoredMention[]): ScoredMention[] {
  const seen = new Set<string>();
  return mentions.filter((m) => {
    const key = (m.title ?? m.text).toLowerCase().replace(/\s+/g, ' ').trim();
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
}

function toItem(m: ScoredMention): DigestItem {
  const key = (m.sentiment.label.charAt(0) + m.sentiment.label.slice(1).toLowerCase()) as 'Positive';
  return {
    id: m.id,
    url: m.url,
    title: digestTitle(m.title ?? m.text),
    source: m.source,
    ...(m.outlet ? { outlet: m.outlet } : {}),
    publishedAt: m.publishedAt,
    label: m.sentiment.label,
    confidence: m.sentiment.scores[key],
    engagement: engagementOf(m),
    ...(m.publishedAtEstimated ? { publishedAtEstimated: true as const } : {}),
  };
}

function pctChange(value: number, base: number): number | null {
  return base > 0 ? Math.round(((value - base) / base) * 1000) / 10 : null;
}

const HOUR_MS = 3_600_000;

/**
 * The hours of `range` (`[start, end)`, UTC ISO-8601 on whole hours) that some run checked, and the maximal
 * spans of those none did.
 */
function detectionCoverage(
  range: { readonly start: string; readonly end: string },
  runs: NonNullable<DigestInput['detectionRuns']>,
): NonNullable<Digest['detection']> {
  const startMs = Date.parse(range.start);
  const hours = Math.round((Date.parse(range.end) - startMs) / HOUR_MS);
  const checked = new Array<boolean>(hours).fill(false);
  for (const run of runs) {
    if (!run.checked) continue;
    const from = Math.max(0, Math.ceil((Date.parse(run.checked.from) - startMs) / HOUR_MS));
    const to = Math.min(hours, Math.ceil((Date.parse(run.checked.to) - startMs) / HOUR_MS));
    for (let h = from; h < to; h++) checked[h] = true;
  }
  const unchecked: { start: string; end: string }[] = [];
  for (let h = 0; h < hours; h++) {
    if (checked[h]) continue;
    let end = h;
    while (end < hours && !checked[end]) end++;
    unchecked.push({
      start: new Date(startMs + h * HOUR_MS).toISOString(),
      end: new Date(startMs + end * HOUR_MS).toISOString(),
    });
    h = end;
  }
  return { hours, checked: checked.filter(Boolean).length, unchecked };
}

/** Who a scope is for people: the keyword's label, "topik <label>", or "semua sebutan". */
function scopeLabel(
  scope: { readonly keyword?: string | undefined; readonly topic?: string | undefined },
  keywords: ReadonlyMap<string, { readonly label: string }>,
  topics: ReadonlyMap<string, { readonly label: string }>,
): string {
  if (scope.keyword) return `kata kunci ${keywords.get(scope.keyword)?.label ?? scope.keyword}`;
  if (scope.topic) return `topik ${topics.get(scope.topic)?.label ?? scope.topic}`;
  return 'semua sebutan';
}

/** The scope of a detector id: `neg:kw:kertajati` → keyword `kertajati`, `share:topic:x` → topic `x`. */
function scopeOfDetector(detectorId: string): { keyword?: string; topic?: string } {
  const series = detectorId.replace(/^(neg|share):/, '');
  if (series.startsWith('kw:')) return { keyword: series.slice(3) };
  if (series.startsWith('topic:')) return { topic: series.slice(6) };
  return {};
}

/** Held-back spikes of the runs whose window overlaps `range`, as events ({@link heldBackEvents}). */
function heldBackOfDay(
  range: { readonly start: string; readonly end: string },
  runs: NonNullable<DigestInput['detectionRuns']>,
  scope: (detectorId: string) => string,
): Pick<NonNullable<Digest['detection']>, 'heldBack'> {
  const spikes = runs
    .flatMap((r) => r.heldBack ?? [])
    .filter((h) => h.windowStart < range.end && h.windowEnd > range.start);
  if (spikes.length === 0) return {};
  return {
    heldBack: heldBackEvents(spikes).map((e) => ({
      start: e.from,
      end: e.to,
      scopes: [...new Set(e.spikes.map((h) => scope(h.detectorId)))],
      distinctAuthors: Math.max(...e.spikes.map((h) => h.distinctAuthors)),
      minDistinctAuthors: Math.max(...e.spikes.map((h) => h.minDistinctAuthors)),
    })),
  };
}

/** Compute the digest's numbers and lists. Lists are sorted with ties broken by id (deterministic). */
export function buildDigest(input: DigestInput): Digest {
  const n = input.listSize ?? 5;
  const sentiment = emptyCounts();
  for (const m of input.mentions) sentiment[m.sentiment.label]++;
  const total = input.mentions.length;
  const avg = (f: (d: DayPoint) => number) =>
    input.previousDays.length === 0
      ? 0
      : input.previousDays.reduce((s, d) => s + f(d), 0) / input.previousDays.length;
  const sevenDayAverage = avg((d) => d.total);
  const negativeSevenDayAverage = avg((d) => d.negative);
  const byId = (a: ScoredMention, b: ScoredMention) => (a.id < b.id ? -1 : 1);
  const ranked = (label: SentimentLabel, key: 'Negative' | 'Positive') =>
    distinctTitles(input.mentions.filter((m) => m.sentiment.label === label))
      .sort(
        (a, b) =>
          b.sentiment.scores[key] - a.sentiment.scores[key] ||
          engagementOf(b) - engagementOf(a) ||
          byId(a, b),
      )
      .slice(0, n)
      .map(toItem);

  const group = <K extends string>(keysOf: (m: ScoredMention) => readonly K[]) => {
    const out = new Map<K, { count: number; negative: number }>();
    for (const m of input.mentions) {
      for (const k of keysOf(m)) {
        const g = out.get(k) ?? { count: 0, negative: 0 };
        g.count++;
        if (m.sentiment.label === 'NEGATIVE') g.negative++;
        out.set(k, g);
      }
    }
    return [...out.entries()].sort((a, b) => b[1].count - a[1].count || (a[0] < b[0] ? -1 : 1));
  };

  const failures = new Map<string, { failures: number; runs: number; lastError: string }>();
  const skipped = new Map<string, string>();
  for (const run of input.sourceRuns) {
    if (run.skipped) {
      skipped.set(run.sourceId, run.skipped);
      continue;
    }
    const f = failures.get(run.sourceId) ?? { failures: 0, runs: 0, lastError: '' };
    f.runs++;
    if (!run.ok) {
      f.failures++;
      f.lastError = run.error ?? 'unknown error';
    }
    failures.set(run.sourceId, f);
  }

  // The regency's own names say nothing about what a narrative is about, in any series (docs/narratives.md).
  const names = regencyNameTerms(input.config);
  const named = (terms: readonly string[]) => terms.filter((t) => !names.has(t));
  const topicInfo = new Map(input.config.topics.map((t) => [t.id, t]));
  const keywordInfo = new Map(input.config.keywords.map((k) => [k.id, k]));
  return {
    regency: input.config.regency,
    regencyName: input.config.name,
    date: input.date,
    timeZone: input.config.timeZone,
    range: input.range,
    generatedAt: input.generatedAt,
    totals: {
      mentions: total,
      sentiment,
      netSentiment: total === 0 ? 0 : (sentiment.POSITIVE - sentiment.NEGATIVE) / total,
      negativeShare: total === 0 ? 0 : sentiment.NEGATIVE / total,
    },
    change: {
      sevenDayAverage,
      changePct: pctChange(total, sevenDayAverage),
      negativeSevenDayAverage,
      negativeChangePct: pctChange(sentiment.NEGATIVE, negativeSevenDayAverage),
    },
    daily: [
      ...input.previousDays,
      { date: input.date, total, negative: sentiment.NEGATIVE, positive: sentiment.POSITIVE },
    ],
    narratives: (input.narratives ?? []).slice(0, n).map((nar) => ({
      topTerms: named(nar.topTerms).slice(0, 6),
      size: nar.size,
      distinctAuthors: nar.distinctAuthors,
      coordinated: nar.coordinated,
      examples: nar.examples.slice(0, 2).map((e) => ({ title: digestTitle(e.title ?? e.text), url: e.url })),
    })),
    topNegative: ranked('NEGATIVE', 'Negative'),
    topPositive: ranked('POSITIVE', 'Positive'),
    mostEngaged: input.mentions
      .filter((m) => engagementOf(m) > 0)
      .sort((a, b) => engagementOf(b) - engagementOf(a) || byId(a, b))
      .slice(0, n)
      .map(toItem),
    bySource: group((m) => [m.source]).map(([source, g]) => ({ source, ...g })),
    byTopic: group((m) => m.topics).map(([topic, g]) => ({
      topic,
      label: topicInfo.get(topic)?.label ?? topic,
      opd: topicInfo.get(topic)?.opd ?? '-',
      ...g,
    })),
    byKeyword: group((m) => m.matchedKeywords).map(([keyword, g]) => ({
      keyword,
      label: keywordInfo.get(keyword)?.label ?? keyword,
      ...g,
    })),
    alerts: groupAlerts(input.alerts).flatMap((event, e) =>
      event.map((a) => ({
        id: a.id,
        event: e + 1,
        ...(a.keyword ? { keyword: a.keyword } : {}),
        ...(a.topic ? { topic: a.topic } : {}),
        scope: scopeLabel(a, keywordInfo, topicInfo),
        kind: a.kind,
        windowStart: a.windowStart,
        windowEnd: a.windowEnd,
        observed: a.observed,
        expected: a.expected,
        observedShare: a.observedShare,
        expectedShare: a.expectedShare,
        total: a.total,
        ...(a.late ? { late: { mentions: a.late.mentions, publishedFrom: a.late.publishedFrom } } : {}),
        ...(a.estimatedTimes ? { estimatedTimes: a.estimatedTimes.negative } : {}),
        severity: a.severity,
        topTerms: [...new Set(named(a.narratives.flatMap((nar) => nar.topTerms)))].slice(0, 6),
        ...(a.acknowledgement ? { acknowledgedBy: a.acknowledgement.by } : {}),
      })),
    ),
    collection: {
      runs: input.sourceRuns.length,
      notCollected: input.config.sources
        .filter((src) => src.enabled && !failures.has(src.id) && !skipped.has(src.id))
        .map((src) => src.id)
        .sort(),
      skipped: [...skipped.entries()]
        .filter(([sourceId]) => !failures.has(sourceId))
        .map(([sourceId, code]) => ({ sourceId, code }))
        .sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1)),
    },
    ...(input.detectionRuns
      ? {
          detection: {
            ...detectionCoverage(input.range, input.detectionRuns),
            ...heldBackOfDay(input.range, input.detectionRuns, (detectorId) =>
              scopeLabel(scopeOfDetector(detectorId), keywordInfo, topicInfo),
            ),
          },
        }
      : {}),
    failedSources: [...failures.entries()]
      .filter(([, f]) => f.failures > 0)
      .map(([sourceId, f]) => ({ sourceId, ...f }))
      .sort((a, b) => (a.sourceId < b.sourceId ? -1 : 1)),
  };
}

// ---------------------------------------------------------------------------------------------------
// Rendering (Bahasa Indonesia)

/** Indonesian names of the sentiment labels. */
export const LABEL_ID: Readonly<Record<SentimentLabel, string>> = {
  POSITIVE: 'positif',
  NEGATIVE: 'negatif',
  NEUTRAL: 'netral',
  MIXED: 'campuran',
};

/** Escape text for HTML element content and double-quoted attributes. */
export function escapeHtml(text: string): string {
  return text
    .replaceAll('&', '&amp;')
    .replaceAll('<', '&lt;')
    .replaceAll('>', '&gt;')
    .replaceAll('"', '&quot;')
    .replaceAll("'", '&#39;');
}

/**
 * Where text lands in a Markdown document, for {@link escapeMarkdown}: `inline` (running text and link
 * text), `table-cell` (a GFM table cell) or `line-start` (the first thing in a block or list item).
 */
export type MarkdownPosition = 'inline' | 'table-cell' | 'line-start';

const WORD_CHAR = /[\p{L}\p{N}]/u;
/** `&name;`, `&#123;` or `&#x1F;`: CommonMark decodes these, so a literal one must keep its `&`. */
const ENTITY_AHEAD = /^&(?:#[0-9]{1,7}|#[xX][0-9a-fA-F]{1,6}|[A-Za-z][A-Za-z0-9]{1,31});/;

/**
 * Escape user text (titles, outlets, source names, error messages) for one position in CommonMark +
 * GFM, so that it stays text: it cannot open a link or image (`[`, `]`), raw HTML or an autolink (`<`),
 * a code span (backtick), emphasis or strikethrough (`*`, `_` at a word edge, `~`), an entity (`&name;`),
 * a table column (`|`, `table-cell`) or a block (`#`, `>`, `-`, `+`, `=`, `1.`, `1)`, `line-start`).
 * Everything else (`.`, `-`, `(`, `&` before a non-entity, `_` inside a word) is left as written so the
 * file reads well with `cat`. Whitespace runs, newlines included, become one space: user text can never
 * start a line of its own. Bare `https://…` and `www.…` text still shows as itself (GFM may make it a
 * link to exactly the address shown).
 * @param position where the text goes. @default 'inline'
 */
export function escapeMarkdown(text: string, position: MarkdownPosition = 'inline'): string {
  const flat = text.replace(/\s+/g, ' ');
  const escaped = flat.replace(/[\\`*<[\]~|_&]/g, (c: string, at: number) => {
    if (c === '|') return position === 'table-cell' ? '\\|' : c;
    // An underscore between two letters or digits can neither open nor close emphasis (CommonMark 6.2).
    if (c === '_')
      return WORD_CHAR.test(flat[at - 1] ?? '') && WORD_CHAR.test(flat[at + 1] ?? '') ? c : '\\_';
    if (c === '&') return ENTITY_AHEAD.test(flat.slice(at)) ? '\\&' : c;
    return `\\${c}`;
  });
  if (position !== 'line-start') return escaped;
  return escaped
    .trimStart()
    .replace(/^(?:([#>+=-])|(\d{1,9})([.)]))/, (_m, mark?: string, digits?: string, close?: string) =>
      mark ? `\\${mark}` : `${digits}\\${close}`,
    );
}

/** A URL safe to put in a link: http(s) only, with characters that end a Markdown/HTML link encoded. */
export function safeUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) return '#';
  return url.replace(/[()<>"' ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function fmtDate(date: string, timeZone: string): string {
  // Not `dateStyle: 'full'`: ICU pads the day ("01 Desember"), where Indonesian writes "1 Desember".
  return `${new Intl.DateTimeFormat('id-ID', {
    weekday: 'long',
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${date}T00:00:00Z`))} (${zoneName(timeZone)})`;
}

const zoneName = zoneLabel;

/** `09.00`: the local clock time of `iso`. */
function fmtClock(iso: string, timeZone: string): string {
  return new Intl.DateTimeFormat('id-ID', {
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
    timeZone,
  }).format(new Date(iso));
}

function fmtTime(iso: string, timeZone: string): string {
  return `${fmtClock(iso, timeZone)} ${zoneName(timeZone)}`;
}

/** An item's time: `12.00 WIB`, or `perkiraan 12.00 WIB` when the source gave no exact time. */
function itemTime(i: DigestItem, timeZone: string): string {
  return `${i.publishedAtEstimated ? 'perkiraan ' : ''}${fmtTime(i.publishedAt, timeZone)}`;
}

const fmtNumber = formatNumberId;
const fmtPct = formatPercent;

function fmtDateTime(iso: string, timeZone: string): string {
  return `${new Intl.DateTimeFormat('id-ID', { dateStyle: 'long', timeStyle: 'short', timeZone }).format(new Date(iso))} ${zoneName(timeZone)}`;
}

/**
 * The day against the 7 days before, as a clause: `naik 12,5% dari rata-rata 7 hari sebelumnya`, or why
 * there is nothing to compare with. `what` names what was counted (`sebutan`, `sebutan negatif`).
 */
function fmtChange(pct: number | null, what: string, average: number): string {
  if (pct === null) return `belum ada pembanding: 7 hari sebelumnya tanpa ${what}`;
  if (pct === 0) return 'sama dengan rata-rata 7 hari sebelumnya';
  // Against less than one a day a percentage says little ("naik 6.900%"): give the average instead.
  if (average < 1) return `rata-rata 7 hari sebelumnya hanya ${fmtNumber(average, 1)} ${what} per hari`;
  return `${pct > 0 ? 'naik' : 'turun'} ${fmtNumber(Math.abs(pct), 1)}% dari rata-rata 7 hari sebelumnya`;
}

/** Longest title shown in a digest, in characters; longer ones end with `…`. */
export const DIGEST_TITLE_CHARS = 160;

/** A title cut to {@link DIGEST_TITLE_CHARS} at a word boundary when one is near, with `…`. */
function digestTitle(title: string): string {
  const chars = Array.from(title.trim());
  if (chars.length <= DIGEST_TITLE_CHARS) return title.trim();
  const cut = chars.slice(0, DIGEST_TITLE_CHARS).join('');
  const space = cut.lastIndexOf(' ');
  return `${(space > DIGEST_TITLE_CHARS * 0.75 ? cut.slice(0, space) : cut).trimEnd()}…`;
}

/**
 * An alert's window in the regency's time zone, as the alert message writes it ({@link formatWindow}) but
 * without the digest's own day: `pukul 09.00–15.00 WIB`; a window on or across another day names its dates.
 */
function fmtWindow(
  a: { windowStart: string; windowEnd: string },
  d: Pick<Digest, 'date' | 'timeZone'>,
): string {
  const day = new Intl.DateTimeFormat('id-ID', {
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    timeZone: 'UTC',
  }).format(new Date(`${d.date}T00:00:00Z`));
  return formatWindow(a.windowStart, a.windowEnd, d.timeZone, { omitDate: day });
}

/**
 * The digest's alerts as events (one line each, as the alert messages group them): the primary alert, the
 * others of the same story (`also`), and who handled it — an event counts as handled once any of its alerts was
 * acknowledged, since the team acts on the story, not on one scope of it.
 */
function alertEvents(d: Digest): {
  primary: Digest['alerts'][number];
  also: Digest['alerts'][number][];
  handledBy?: string;
}[] {
  const events = new Map<number, Digest['alerts'][number][]>();
  for (const a of d.alerts) events.set(a.event, [...(events.get(a.event) ?? []), a]);
  return [...events.values()].map(([primary, ...also]) => {
    const handledBy = [primary, ...also].find((a) => a?.acknowledgedBy)?.acknowledgedBy;
    return { primary: primary!, also, ...(handledBy ? { handledBy } : {}) };
  });
}

/** `Kata kunci Majalengka` from `kata kunci Majalengka`: a scope starting a list item. */
function capitalised(text: string): string {
  return text.charAt(0).toUpperCase() + text.slice(1);
}

/**
 * An event's other alerts as one clause, as the alert messages put it: `; juga melonjak pada kata kunci
 * Majalengka (12 sebutan negatif, biasanya sekitar 2,5) dan semua sebutan (porsi negatif …)`; a window is named
 * only where it differs from the primary's.
 */
function alsoClause(
  primary: Digest['alerts'][number],
  also: readonly Digest['alerts'][number][],
  d: Pick<Digest, 'date' | 'timeZone'>,
): string {
  if (also.length === 0) return '';
  const parts = also.map((a) => {
    const sameWindow = a.windowStart === primary.windowStart && a.windowEnd === primary.windowEnd;
    return `${a.scope} (${sameWindow ? '' : `${fmtWindow(a, d)}: `}${alertNumbers(a, d.timeZone)})`;
  });
  const listed = parts.length === 1 ? parts[0] : `${parts.slice(0, -1).join(', ')} dan ${parts.at(-1)}`;
  return `; juga melonjak pada ${listed}`;
}

/** `2 (50,0% dari semua sebutan; naik …)`: the share only when there were mentions. */
function negativeLine(d: Digest): string {
  const share = d.totals.mentions > 0 ? `${fmtPct(d.totals.negativeShare)} dari semua sebutan; ` : '';
  return `${fmtNumber(d.totals.sentiment.NEGATIVE)} (${share}${fmtChange(d.change.negativeChangePct, 'sebutan negatif', d.change.negativeSevenDayAverage)})`;
}

function confidenceOf(i: DigestItem): string {
  return `${LABEL_ID[i.label]}, keyakinan model ${fmtPct(i.confidence)}${i.engagement > 0 ? `; ${fmtNumber(i.engagement)} interaksi` : ''}`;
}

/**
 * `5 sebutan negatif, biasanya sekitar 1,2` (`biasanya kurang dari 1` below 1), or for a share alert
 * `porsi negatif 60,0% dari 20 sebutan, biasanya sekitar 20,0%`: the figures as the alert message gives them.
 */
function alertNumbers(a: Digest['alerts'][number], timeZone: string): string {
  // Late mentions were published before the window and observed in it: say so, or the window misleads.
  const late = a.late
    ? `; termasuk ${fmtNumber(a.late.mentions)} sebutan terlambat yang terbit sejak ${fmtDateTime(a.late.publishedFrom, timeZone)}`
    : '';
  const estimated = a.estimatedTimes
    ? `; jam terbit ${fmtNumber(a.estimatedTimes)} sebutan negatif hanya perkiraan`
    : '';
  // A share alert compares shares; its expected count would read as a second, different "usual" number
  // beside the volume alert of the same series and window.
  if (a.kind === 'share')
    return `porsi negatif ${fmtPct(a.observedShare)} dari ${fmtNumber(a.total)} sebutan, ${usualShare(a.expectedShare)}${late}${estimated}`;
  return `${fmtNumber(a.observed)} sebutan negatif, ${usualCount(a.expected)}${late}${estimated}`;
}

const NO_COLLECTION =
  'Tidak ada pengumpulan yang tercatat pada hari ini — data hari ini mungkin tidak lengkap.';
/** No run that day, yet mentions of it: collected later (a replay, a late feed); still maybe incomplete. */
const COLLECTED_LATER =
  'Tidak ada pengumpulan yang tercatat pada hari ini; sebutan hari ini dikumpulkan kemudian (misalnya diimpor dari arsip), jadi datanya mungkin tidak lengkap.';

/** The no-run notice that fits the day. */
function noCollection(d: Digest): string {
  return d.totals.mentions > 0 ? COLLECTED_LATER : NO_COLLECTION;
}
const ALL_COLLECTED = 'Semua sumber berhasil dikumpulkan.';
/** The closing section's heading: it fits every body it can have (failures, all well, nothing recorded). */
const COLLECTION_HEADING = 'Status pengumpulan sumber';

/** Indonesian names of the network error codes Node's fetch reports (`fetch failed (ENOTFOUND)`). */
const NETWORK_CODES: Readonly<Record<string, string>> = {
  ENOTFOUND: 'alamat tidak ditemukan',
  EAI_AGAIN: 'DNS tidak menjawab',
  ECONNREFUSED: 'koneksi ditolak',
  ECONNRESET: 'koneksi terputus',
  ETIMEDOUT: 'waktu koneksi habis',
  UND_ERR_CONNECT_TIMEOUT: 'waktu koneksi habis',
  EHOSTUNREACH: 'server tidak terjangkau',
  ENETUNREACH: 'jaringan tidak terjangkau',
  CERT_HAS_EXPIRED: 'sertifikat TLS kedaluwarsa',
};

/**
 * A source's last error as a short Indonesian reason for the digest, which analysts read: the error class,
 * source id and URLs stay in the logs and the digest JSON (`failedSources[].lastError`).
 * @param error - `<ErrorName>: <sourceId>: <message>` as collect records it (`errorMessage` in
 *   `shared/observability.ts`), messages as `shared/adapters/sources/errors.ts` writes them.
 * @example sourceFailureReason('SourceNetworkError: rss-x: network error fetching https://x.id/rss: fetch failed (ENOTFOUND)') // 'jaringan gagal (alamat tidak ditemukan)'
 */
export function sourceFailureReason(error: string): string {
  const name = /^([A-Za-z]*Error):/.exec(error)?.[1];
  const has = (pattern: RegExp) => pattern.test(error);
  if (name === 'SourceNetworkError' || has(/\bnetwork error\b|\bfetch failed\b/)) {
    const code = /\(([A-Z][A-Z_]+)\)\s*$/.exec(error)?.[1];
    const why = code ? (NETWORK_CODES[code] ?? code) : undefined;
    return why ? `jaringan gagal (${why})` : 'jaringan gagal';
  }
  const http = /\bHTTP (\d{3})\b/.exec(error)?.[1];
  if (name === 'SourceHttpError' || http) return `server menjawab dengan galat HTTP ${http ?? '?'}`;
  if (name === 'SourceTimeoutError' || has(/\bno complete response\b|\btimed? ?out\b/i))
    return 'server tidak menjawab tepat waktu';
  if (name === 'SourceAbortedError') return 'pengambilan dihentikan sebelum selesai';
  if (name === 'SourceTooLargeError') return 'jawaban server terlalu besar';
  if (name === 'FeedParseError') return 'isi umpan berita (feed) tidak dapat dibaca';
  if (name === 'SourceResponseError') return 'jawaban API tidak sesuai format yang diharapkan';
  if (name === 'SourceAuthError') return 'kredensial ditolak penyedia';
  return 'kesalahan lain (rincian di log)';
}

/** `gagal 3 dari 4 kali; kesalahan terakhir: jaringan gagal (alamat tidak ditemukan)`. */
function failureLine(f: Digest['failedSources'][number]): string {
  return `gagal ${fmtNumber(f.failures)} dari ${fmtNumber(f.runs)} kali; kesalahan terakhir: ${sourceFailureReason(f.lastError)}`;
}
const NOT_COLLECTED = 'tidak ada pengumpulan yang tercatat pada hari ini';

/** Why a source was skipped, in Bahasa Indonesia (skip codes from the source adapters). */
function skipReason(code: string): string {
  switch (code) {
    case 'credentials-missing':
      return 'dilewati: kredensial belum diatur';
    case 'budget-exhausted':
      return 'dilewati: jatah baca harian sudah habis';
    case 'quota-exceeded':
      return 'dilewati: kuota API penyedia sudah habis';
    default:
      return `dilewati (${code})`;
  }
}

/** Sources with something to report in the closing section: failed, skipped or never run. */
function sourceProblems(d: Digest): number {
  return d.failedSources.length + d.collection.notCollected.length + d.collection.skipped.length;
}

/**
 * The warning shown under the title when the counts may be short: no collection ran, or some sources
 * failed or never ran. `undefined` when every expected source ran without failing.
 */
function collectionWarning(d: Digest): string | undefined {
  if (d.collection.runs === 0) return noCollection(d);
  const short = sourceProblems(d);
  if (short === 0) return undefined;
  // Name only what happened (QA: "7 sumber gagal, dilewati atau tidak dikumpulkan" when all 7 had failed).
  const kinds = [
    [d.failedSources.length, 'gagal'],
    [d.collection.skipped.length, 'dilewati'],
    [d.collection.notCollected.length, 'tidak dikumpulkan'],
  ] as const;
  const present = kinds.filter(([n]) => n > 0);
  const what =
    present.length === 1
      ? `${short} sumber ${present[0]![1]}`
      : `${short} sumber bermasalah (${present.map(([n, word]) => `${n} ${word}`).join(', ')})`;
  return `${what} pada hari ini (rincian di bagian akhir) — angka hari ini mungkin kurang.`;
}

/**
 * What the alerts section must say about unchecked hours, or `undefined` when detection checked every hour
 * of the day (or coverage is unknown).
 */
function detectionGap(d: Digest): string | undefined {
  const det = d.detection;
  if (!det || det.checked >= det.hours) return undefined;
  if (det.checked === 0)
    return `Deteksi lonjakan tidak memeriksa satu jam pun dari hari ini; tidak adanya peringatan belum berarti tidak ada lonjakan.`;
  // The day's end is 24.00, as in the footer, not 00.00.
  const end = (iso: string) => (iso === d.range.end ? '24.00' : fmtClock(iso, d.timeZone));
  const spans = det.unchecked.map(
    (u) => `pukul ${fmtClock(u.start, d.timeZone)}–${end(u.end)} ${zoneName(d.timeZone)}`,
  );
  return `Deteksi lonjakan baru memeriksa ${det.checked} dari ${det.hours} jam hari ini; belum diperiksa: ${spans.join(', ')}.`;
}

/**
 * One line per spike held back by the distinct-authors guard: the day was not quiet, only unalerted.
 */
function heldBackLines(d: Digest): string[] {
  return (d.detection?.heldBack ?? []).map(
    (h) =>
      `Lonjakan tanpa peringatan, ${fmtWindow({ windowStart: h.start, windowEnd: h.end }, d)} (${h.scopes.join(', ')}): hanya ${h.distinctAuthors} penulis/media berbeda, kurang dari batas ${h.minDistinctAuthors}; periksa apakah satu akun atau satu media membanjiri percakapan.`,
  );
}

/**
 * The line for a day without alerts: plain when every hour was checked, qualified when some were not, and
 * none when no hour was (the gap line says it all).
 */
function noAlerts(d: Digest): string | undefined {
  if (d.alerts.length > 0 || d.detection?.checked === 0) return undefined;
  return detectionGap(d) ? 'Tidak ada peringatan pada jam yang sudah diperiksa.' : 'Tidak ada peringatan.';
}

function subject(d: Digest): string {
  return `Ringkasan Harian Pantau — ${d.regencyName}, ${fmtDate(d.date, d.timeZone)}`;
}

function footer(d: Digest): string {
  return `Dibuat oleh Pantau pada ${fmtDateTime(d.generatedAt, d.timeZone)}. Satu hari dihitung pukul 00.00–24.00 ${zoneName(d.timeZone)}.`;
}

/** Plain-text rendering (e-mail fallback part, SNS e-mail). */
export function renderDigestText(d: Digest): string {
  const lines: string[] = [subject(d), ''];
  const s = d.totals.sentiment;
  const warning = collectionWarning(d);
  if (warning) lines.push(`PERHATIAN: ${warning}`, '');
  else if (d.totals.mentions === 0) lines.push('Tidak ada sebutan yang terkumpul pada hari ini.', '');
  lines.push(
    `Jumlah sebutan: ${fmtNumber(d.totals.mentions)} (${fmtChange(d.change.changePct, 'sebutan', d.change.sevenDayAverage)})`,
    `Sentimen: ${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} ${fmtNumber(s[l])}`).join(', ')}`,
    `Sebutan negatif: ${negativeLine(d)}`,
    '',
  );
  const list = (title: string, items: readonly DigestItem[]) => {
    lines.push(`${title}:`);
    if (items.length === 0) lines.push('  (tidak ada)');
    for (const i of items)
      lines.push(
        `  - ${i.title} [${i.outlet ?? i.source}, ${itemTime(i, d.timeZone)}; ${confidenceOf(i)}] ${i.url}`,
      );
    lines.push('');
  };
  lines.push('Narasi negatif hari ini:');
  if (d.narratives.length === 0) lines.push('  (tidak ada narasi negatif yang menonjol)');
  for (const nar of d.narratives) {
    lines.push(
      `  - ${nar.topTerms.join(', ') || '(tanpa istilah menonjol)'}: ${nar.size} sebutan dari ${nar.distinctAuthors} penulis/media${nar.coordinated ? '; pola salin-tempel (kemungkinan terkoordinasi)' : ''}`,
    );
    for (const ex of nar.examples) lines.push(`      ${ex.title} ${ex.url}`);
  }
  lines.push('');
  list('Berita/unggahan paling negatif', d.topNegative);
  list('Berita/unggahan paling positif', d.topPositive);
  list('Paling banyak interaksi', d.mostEngaged);
  lines.push('Peringatan lonjakan:');
  const gap = detectionGap(d);
  if (gap) lines.push(`  PERHATIAN: ${gap}`);
  const none = noAlerts(d);
  if (none) lines.push(`  (${none.replace(/\.$/, '').toLowerCase()})`);
  for (const h of heldBackLines(d)) lines.push(`  - ${h}`);
  for (const { primary: a, also, handledBy } of alertEvents(d)) {
    lines.push(
      `  - ${capitalised(a.scope)}, ${fmtWindow(a, d)}: ${alertNumbers(a, d.timeZone)}; tingkat ${a.severity}${a.topTerms.length ? `; narasi: ${a.topTerms.join(', ')}` : ''}${alsoClause(a, also, d)} — ${handledBy ? `ditangani oleh ${handledBy}` : 'belum ditangani'}`,
    );
  }
  lines.push('', 'Per sumber:');
  if (d.bySource.length === 0) lines.push('  (tidak ada sebutan)');
  for (const r of d.bySource) lines.push(`  - ${r.source}: ${r.count} sebutan (${r.negative} negatif)`);
  lines.push('', 'Per topik:');
  if (d.byTopic.length === 0) lines.push('  (tidak ada sebutan bertopik)');
  for (const t of d.byTopic)
    lines.push(`  - ${t.label} (${t.opd}): ${t.count} sebutan (${t.negative} negatif)`);
  lines.push('', `${COLLECTION_HEADING}:`);
  if (d.collection.runs === 0) lines.push(`  ${noCollection(d)}`);
  else {
    for (const f of d.failedSources) lines.push(`  - ${f.sourceId}: ${failureLine(f)}`);
    for (const id of d.collection.notCollected) lines.push(`  - ${id}: ${NOT_COLLECTED}`);
    for (const s of d.collection.skipped) lines.push(`  - ${s.sourceId}: ${skipReason(s.code)}`);
    if (sourceProblems(d) === 0) lines.push(`  ${ALL_COLLECTED}`);
  }
  lines.push('', footer(d));
  return `${lines.join('\n')}\n`;
}

/**
 * Markdown rendering (stored, shown by the API and read with `cat`). User text goes through
 * {@link escapeMarkdown} for its position, URLs through {@link safeUrl}.
 */
export function renderDigestMarkdown(d: Digest): string {
  const s = d.totals.sentiment;
  const esc = escapeMarkdown;
  const md: string[] = [`# ${esc(subject(d))}`, ''];
  const warning = collectionWarning(d);
  if (warning) md.push(`**Perhatian:** ${warning}`, '');
  else if (d.totals.mentions === 0) md.push('_Tidak ada sebutan yang terkumpul pada hari ini._', '');
  md.push(
    `- **Jumlah sebutan:** ${fmtNumber(d.totals.mentions)} (${fmtChange(d.change.changePct, 'sebutan', d.change.sevenDayAverage)})`,
    `- **Sentimen:** ${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} ${fmtNumber(s[l])}`).join(' · ')}`,
    `- **Sebutan negatif:** ${negativeLine(d)}`,
    '',
  );
  const link = (title: string, url: string) => `[${esc(title)}](${safeUrl(url)})`;
  const list = (title: string, items: readonly DigestItem[]) => {
    md.push(`## ${title}`, '');
    if (items.length === 0) md.push('_Tidak ada._');
    for (const i of items) {
      md.push(
        `- ${link(i.title, i.url)} — ${esc(i.outlet ?? i.source)}, ${itemTime(i, d.timeZone)} (${confidenceOf(i)})`,
      );
    }
    md.push('');
  };
  md.push('## Narasi negatif hari ini', '');
  if (d.narratives.length === 0) md.push('_Tidak ada narasi negatif yang menonjol._');
  for (const nar of d.narratives) {
    md.push(
      `- **${esc(nar.topTerms.join(', ') || 'tanpa istilah menonjol')}** — ${nar.size} sebutan dari ${nar.distinctAuthors} penulis/media${nar.coordinated ? '; pola salin-tempel (kemungkinan terkoordinasi)' : ''}${nar.examples.length ? `; contoh: ${nar.examples.map((ex) => link(ex.title, ex.url)).join('; ')}` : ''}`,
    );
  }
  md.push('');
  list('Paling negatif', d.topNegative);
  list('Paling positif', d.topPositive);
  list('Paling banyak interaksi', d.mostEngaged);
  md.push('## Peringatan lonjakan', '');
  const gap = detectionGap(d);
  // A blank line only when something follows it in the section (Markdown needs it between paragraphs).
  if (gap)
    md.push(
      `**Perhatian:** ${gap}`,
      ...(d.alerts.length > 0 || noAlerts(d) || heldBackLines(d).length > 0 ? [''] : []),
    );
  const none = noAlerts(d);
  if (none) md.push(`_${none}_`);
  for (const h of heldBackLines(d)) md.push(`- ${escapeMarkdown(h)}`);
  for (const { primary: a, also, handledBy } of alertEvents(d)) {
    md.push(
      `- **${esc(capitalised(a.scope))}**, ${fmtWindow(a, d)}: ${alertNumbers(a, d.timeZone)}; tingkat ${esc(a.severity)}${a.topTerms.length ? `; narasi: ${a.topTerms.map((t) => esc(t)).join(', ')}` : ''}${esc(alsoClause(a, also, d))} — ${handledBy ? `ditangani oleh ${esc(handledBy)}` : '**belum ditangani**'}`,
    );
  }
  md.push('', '## Per sumber', '');
  if (d.bySource.length === 0) md.push('_Tidak ada sebutan._');
  else {
    md.push('| Sumber | Sebutan | Negatif |', '|---|---:|---:|');
    for (const r of d.bySource) md.push(`| ${esc(r.source, 'table-cell')} | ${r.count} | ${r.negative} |`);
  }
  md.push('', '## Per topik', '');
  if (d.byTopic.length === 0) md.push('_Tidak ada sebutan bertopik._');
  else {
    md.push('| Topik | OPD | Sebutan | Negatif |', '|---|---|---:|---:|');
    for (const t of d.byTopic)
      md.push(`| ${esc(t.label, 'table-cell')} | ${esc(t.opd, 'table-cell')} | ${t.count} | ${t.negative} |`);
  }
  md.push('', `## ${COLLECTION_HEADING}`, '');
  if (d.collection.runs === 0) md.push(`**${noCollection(d)}**`);
  else {
    for (const f of d.failedSources) {
      md.push(`- ${esc(f.sourceId, 'line-start')}: ${esc(failureLine(f))}`);
    }
    for (const id of d.collection.notCollected) md.push(`- ${esc(id, 'line-start')}: ${NOT_COLLECTED}`);
    for (const s of d.collection.skipped)
      md.push(`- ${esc(s.sourceId, 'line-start')}: ${esc(skipReason(s.code))}`);
    if (sourceProblems(d) === 0) md.push(`_${ALL_COLLECTED}_`);
  }
  md.push('', `_${esc(footer(d))}_`, '');
  return md.join('\n');
}

/**
 * HTML e-mail: inline styles only, and the 8-day trend as a table of bars (mail clients such as Gmail
 * and Outlook drop inline SVG and data: images, but render tables everywhere).
 */
export function renderDigestHtml(d: Digest): string {
  const s = d.totals.sentiment;
  const e = escapeHtml;
  const max = Math.max(1, ...d.daily.map((p) => p.total));
  const bars = d.daily
    .map((p) => {
      const h = (v: number) => Math.round((v / max) * 80);
      const rest = p.total - p.negative - p.positive;
      return `<td style="vertical-align:bottom;text-align:center;padding:0 4px;font:11px Arial,sans-serif;color:#555">
<div style="width:22px;margin:0 auto;background:#2e7d32;height:${h(p.positive)}px" title="positif ${p.positive}"></div>
<div style="width:22px;margin:0 auto;background:#9e9e9e;height:${h(rest)}px" title="lainnya ${rest}"></div>
<div style="width:22px;margin:0 auto;background:#c62828;height:${h(p.negative)}px" title="negatif ${p.negative}"></div>
${p.total}<br>${e(p.date.slice(5))}</td>`;
    })
    .join('');
  const muted = (text: string) => `<p style="font:14px Arial,sans-serif;color:#777">${e(text)}</p>`;
  const list = (title: string, items: readonly DigestItem[]) =>
    `<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">${e(title)}</h2>${
      items.length === 0
        ? muted('Tidak ada.')
        : `<ul style="padding-left:18px;margin:0">${items
            .map(
              (i) =>
                `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><a href="${e(safeUrl(i.url))}" style="color:#1565c0">${e(i.title)}</a> <span style="color:#777">— ${e(i.outlet ?? i.source)}, ${e(itemTime(i, d.timeZone))} (${e(confidenceOf(i))})</span></li>`,
            )
            .join('')}</ul>`
    }`;
  const rows = (cells: readonly (string | number)[][]) =>
    cells
      .map(
        (r) =>
          `<tr>${r.map((c) => `<td style="font:13px Arial,sans-serif;padding:3px 8px;border-bottom:1px solid #eee">${e(String(c))}</td>`).join('')}</tr>`,
      )
      .join('');
  const gap = detectionGap(d);
  const alerts =
    (gap
      ? `<p style="font:bold 14px Arial,sans-serif;color:#c62828;margin:0 0 8px">Perhatian: ${e(gap)}</p>`
      : '') +
    (d.alerts.length === 0
      ? (() => {
          const none = noAlerts(d);
          return none ? muted(none) : '';
        })()
      : `<ul style="padding-left:18px;margin:0">${alertEvents(d)
          .map(
            ({ primary: a, also, handledBy }) =>
              `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><b>${e(capitalised(a.scope))}</b>, ${e(fmtWindow(a, d))}: ${e(alertNumbers(a, d.timeZone))}; tingkat ${e(a.severity)}${a.topTerms.length ? `; narasi: ${e(a.topTerms.join(', '))}` : ''}${e(alsoClause(a, also, d))} — ${handledBy ? `ditangani oleh ${e(handledBy)}` : '<b style="color:#c62828">belum ditangani</b>'}</li>`,
          )
          .join('')}</ul>`) +
    heldBackLines(d)
      .map((h) => `<p style="font:14px Arial,sans-serif;color:#8d6e00;margin:6px 0 0">${e(h)}</p>`)
      .join('');
  const problem = (text: string) => `<li style="font:14px Arial,sans-serif;color:#c62828">${text}</li>`;
  const failed =
    d.collection.runs === 0
      ? `<p style="font:bold 14px Arial,sans-serif;color:#c62828">${e(noCollection(d))}</p>`
      : sourceProblems(d) === 0
        ? `<p style="font:14px Arial,sans-serif;color:#2e7d32">${e(ALL_COLLECTED)}</p>`
        : `<ul style="padding-left:18px;margin:0">${[
            ...d.failedSources.map((f) => problem(`${e(f.sourceId)}: ${e(failureLine(f))}`)),
            ...d.collection.notCollected.map((id) => problem(`${e(id)}: ${e(NOT_COLLECTED)}`)),
            ...d.collection.skipped.map((s) => problem(`${e(s.sourceId)}: ${e(skipReason(s.code))}`)),
          ].join('')}</ul>`;
  const warning = collectionWarning(d);
  const notice = warning
    ? `<p style="font:bold 14px Arial,sans-serif;color:#c62828;margin:0 0 12px">Perhatian: ${e(warning)}</p>`
    : d.totals.mentions === 0
      ? muted('Tidak ada sebutan yang terkumpul pada hari ini.')
      : '';
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>${e(subject(d))}</title></head>
<body style="margin:0;padding:16px;background:#f5f5f5">
<div style="max-width:680px;margin:0 auto;background:#fff;padding:20px;border-radius:6px">
<h1 style="font:bold 20px Arial,sans-serif;color:#222;margin:0 0 12px">${e(subject(d))}</h1>
${notice}
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 4px"><b>${fmtNumber(d.totals.mentions)}</b> sebutan (${e(fmtChange(d.change.changePct, 'sebutan', d.change.sevenDayAverage))}).</p>
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 4px">${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} <b>${fmtNumber(s[l])}</b>`).join(' · ')}</p>
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 12px">Sebutan negatif: ${e(negativeLine(d))}.</p>
<table role="presentation" style="border-collapse:collapse;margin:8px 0 4px"><tr>${bars}</tr></table>
<p style="font:11px Arial,sans-serif;color:#777;margin:0">Hijau: positif · abu-abu: netral/campuran · merah: negatif (8 hari terakhir)</p>
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Narasi negatif hari ini</h2>${
    d.narratives.length === 0
      ? muted('Tidak ada narasi negatif yang menonjol.')
      : `<ul style="padding-left:18px;margin:0">${d.narratives
          .map(
            (nar) =>
              `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><b>${e(nar.topTerms.join(', ') || 'tanpa istilah menonjol')}</b> — ${nar.size} sebutan dari ${nar.distinctAuthors} penulis/media${nar.coordinated ? '; <b>pola salin-tempel</b> (kemungkinan terkoordinasi)' : ''}${nar.examples.map((ex) => `<br><a href="${e(safeUrl(ex.url))}" style="color:#1565c0">${e(ex.title)}</a>`).join('')}</li>`,
          )
          .join('')}</ul>`
  }
${list('Paling negatif', d.topNegative)}
${list('Paling positif', d.topPositive)}
${list('Paling banyak interaksi', d.mostEngaged)}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Peringatan lonjakan</h2>${alerts}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Per sumber</h2>
${d.bySource.length === 0 ? muted('Tidak ada sebutan.') : `<table style="border-collapse:collapse">${rows([['Sumber', 'Sebutan', 'Negatif'], ...d.bySource.map((r) => [r.source, r.count, r.negative])])}</table>`}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Per topik</h2>
${d.byTopic.length === 0 ? muted('Tidak ada sebutan bertopik.') : `<table style="border-collapse:collapse">${rows([['Topik', 'OPD', 'Sebutan', 'Negatif'], ...d.byTopic.map((t) => [t.label, t.opd, t.count, t.negative])])}</table>`}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">${COLLECTION_HEADING}</h2>${failed}
<p style="font:11px Arial,sans-serif;color:#999;margin-top:20px">${e(footer(d))}</p>
</div></body></html>
`;
}

/** The e-mail subject line. */
export function digestSubject(d: Digest): string {
  return subject(d);
}
