/**
 * Alert messages in Bahasa Indonesia for e-mail (SNS), Telegram and webhooks. Plain text; the caller
 * escapes for its channel where the channel interprets markup.
 */
import type { Alert } from './alert.ts';
import { words } from './narratives/text.ts';
import { overlappingGroups } from './windows.ts';

const ZONE_NAMES: Readonly<Record<string, string>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

/** `WIB`, `WITA`, `WIT` for the Indonesian zones, else the IANA id. */
export function zoneLabel(timeZone: string): string {
  return ZONE_NAMES[timeZone] ?? timeZone;
}

const numberFormats = new Map<number, Intl.NumberFormat>();

/**
 * A number in Indonesian notation (KBBI/PUEBI: dot between thousands, decimal comma) with exactly `digits`
 * decimals: `formatNumberId(1234)` → `1.234`, `formatNumberId(2.45, 1)` → `2,5` (ICU rounds half away from zero).
 */
export function formatNumberId(n: number, digits = 0): string {
  let f = numberFormats.get(digits);
  if (!f) {
    f = new Intl.NumberFormat('id-ID', { minimumFractionDigits: digits, maximumFractionDigits: digits });
    numberFormats.set(digits, f);
  }
  return f.format(n);
}

// The one rule for figures, shared by alert, digest and dashboard (`dashboard/format.js` mirrors it and
// test/dashboard/format.test.ts holds the two equal): counts are whole numbers with thousand dots
// (`1.234`); an expected count has one decimal and below 1 reads `kurang dari 1` (a rounded `0,1` beside a
// share that rounds to 0 % looked like two different baselines); percentages have one decimal everywhere,
// and a share above 0 that would round to `0,0%` reads `di bawah 0,1%`.

/** An expected count (a detector's baseline for a window): `kurang dari 1` below 1, else one decimal (`2,5`). */
export function formatExpectedCount(expected: number): string {
  return expected < 1 ? 'kurang dari 1' : formatNumberId(expected, 1);
}

/**
 * A fraction (0–1) as a percentage with one decimal: `0.5` → `50,0%`; `0` → `0,0%`; above 0 but under
 * 0,05% → `di bawah 0,1%`.
 */
export function formatPercent(fraction: number): string {
  const pct = fraction * 100;
  if (pct > 0 && pct < 0.05) return 'di bawah 0,1%';
  return `${formatNumberId(pct, 1)}%`;
}

/** `biasanya sekitar 2,5`, or `biasanya kurang dari 1`: what a window's negative count usually is. */
export function usualCount(expected: number): string {
  return expected < 1 ? 'biasanya kurang dari 1' : `biasanya sekitar ${formatExpectedCount(expected)}`;
}

/** `biasanya sekitar 20,0%`, `biasanya di bawah 0,1%` or `biasanya 0,0%`: a negative share's baseline (0–1). */
export function usualShare(fraction: number): string {
  const text = formatPercent(fraction);
  return fraction === 0 || text.startsWith('di bawah') ? `biasanya ${text}` : `biasanya sekitar ${text}`;
}

function dateParts(iso: string, timeZone: string): { date: string; clock: string } {
  const d = new Date(iso);
  return {
    date: new Intl.DateTimeFormat('id-ID', {
      timeZone,
      day: 'numeric',
      month: 'long',
      year: 'numeric',
    }).format(d),
    clock: new Intl.DateTimeFormat('id-ID', {
      timeZone,
      hour: '2-digit',
      minute: '2-digit',
      hourCycle: 'h23',
    }).format(d),
  };
}

/** `28 November 2026 pukul 10.00 WIB`. */
function when(iso: string, timeZone: string): string {
  const p = dateParts(iso, timeZone);
  return `${p.date} pukul ${p.clock} ${zoneLabel(timeZone)}`;
}

/**
 * A window `[start, end)` (UTC ISO-8601) in local time, the date said once when it fits in one local day:
 * `28 November 2026, pukul 10.00–11.00 WIB`; a window ending at local midnight ends at `24.00` of its day
 * (`pukul 23.00–24.00`); a window across days names both: `28 November 2026 pukul 23.00 sampai
 * 29 November 2026 pukul 01.00 WIB`.
 * @param options.omitDate - A date to leave out when the window lies within it (`28 November 2026` as
 *   formatted here): the digest of that day says `pukul 10.00–11.00 WIB`.
 */
export function formatWindow(
  start: string,
  end: string,
  timeZone: string,
  options: { omitDate?: string } = {},
): string {
  const a = dateParts(start, timeZone);
  const b = dateParts(end, timeZone);
  // The hour before midnight belongs to its day: 23.00–24.00, not 23.00 on one day to 00.00 on the next.
  const lastOfDay = Date.parse(end) - 1;
  const sameDay =
    a.date === b.date ||
    (b.clock === '00.00' && dateParts(new Date(lastOfDay).toISOString(), timeZone).date === a.date);
  const zone = zoneLabel(timeZone);
  if (sameDay) {
    const endClock = a.date === b.date ? b.clock : '24.00';
    const clocks = `pukul ${a.clock}–${endClock} ${zone}`;
    return options.omitDate === a.date ? clocks : `${a.date}, ${clocks}`;
  }
  return `${a.date} pukul ${a.clock} sampai ${b.date} pukul ${b.clock} ${zone}`;
}

const SEVERITY: Readonly<Record<Alert['severity'], string>> = {
  sedang: 'SEDANG',
  tinggi: 'TINGGI',
  kritis: 'KRITIS',
};

const SEVERITY_RANK: Readonly<Record<Alert['severity'], number>> = { sedang: 0, tinggi: 1, kritis: 2 };

/** All mentions first, then keywords, then topics: the broadest scope speaks for an event. */
function breadth(a: Alert): number {
  return a.topic ? 2 : a.keyword ? 1 : 0;
}

/** Primary first: highest severity, then broadest scope, volume before share, then id (deterministic). */
function primaryFirst(a: Alert, b: Alert): number {
  return (
    SEVERITY_RANK[b.severity] - SEVERITY_RANK[a.severity] ||
    breadth(a) - breadth(b) ||
    (a.kind === b.kind ? 0 : a.kind === 'volume' ? -1 : 1) ||
    (a.id < b.id ? -1 : a.id > b.id ? 1 : 0)
  );
}

/**
 * Whether two alerts can be told apart as different stories: both carry narratives with mentions or top
 * terms, and they share no mention and no top term. Anything less (an alert of any scope without narratives,
 * or whose narratives name nothing; one shared post; one shared rising term) keeps them together: splitting
 * one story into two messages is the costlier mistake, and without narratives the content is unknown.
 */
function differentStories(a: Alert, b: Alert): boolean {
  const ids = new Set(a.narratives.flatMap((n) => n.mentionIds));
  const terms = new Set(a.narratives.flatMap((n) => n.topTerms));
  const otherIds = b.narratives.flatMap((n) => n.mentionIds);
  const otherTerms = b.narratives.flatMap((n) => n.topTerms);
  // Narratives with neither mentions nor terms say no more about the content than no narratives.
  if ((ids.size === 0 && terms.size === 0) || (otherIds.length === 0 && otherTerms.length === 0))
    return false;
  return !otherIds.some((id) => ids.has(id)) && !otherTerms.some((t) => terms.has(t));
}

/**
 * Group alerts into events, one message each: one story raises alerts in several scopes at once (all
 * mentions, a keyword, two topics), and the team should get one message for it, not four. Alerts belong
 * to one event when their windows overlap in time (`[windowStart, windowEnd)`) and they are not
 * {@link differentStories} — two unrelated stories in the same hours (a road collapse and an airport
 * hoax) go out as two messages; both relations are taken transitively, so an all-mentions alert whose
 * narratives cover both stories joins them again, as it speaks for both. Events are ordered by their
 * first window start (events starting together: by their primaries); within an event the primary comes
 * first (highest severity, then the broadest scope: all mentions, keyword, topic; volume before share; id).
 * @param alerts - Any alerts; windows are UTC ISO-8601 strings as `toISOString()` writes them.
 */
export function groupAlerts<A extends Alert>(alerts: readonly A[]): A[][] {
  const events: A[][] = [];
  for (const group of overlappingGroups(alerts, (a) => ({ start: a.windowStart, end: a.windowEnd }))) {
    // Union-find over the time group: linked when the windows overlap and the stories are not told apart.
    const parent = group.map((_, i) => i);
    const root = (i: number): number => {
      while (parent[i] !== i) i = parent[i] = parent[parent[i]!]!;
      return i;
    };
    for (let i = 0; i < group.length; i++)
      for (let j = i + 1; j < group.length; j++) {
        const a = group[i]!;
        const b = group[j]!;
        const overlap = a.windowStart < b.windowEnd && b.windowStart < a.windowEnd;
        if (overlap && !differentStories(a, b)) parent[root(j)] = root(i);
      }
    const byRoot = new Map<number, A[]>();
    group.forEach((a, i) => {
      const r = root(i);
      const list = byRoot.get(r);
      if (list) list.push(a);
      else byRoot.set(r, [a]);
    });
    const split = [...byRoot.values()].map((event) => {
      // Members come in window-start order, so the first holds the event's first start (read before sorting).
      const first = event[0]!.windowStart;
      return { first, event: event.sort(primaryFirst) };
    });
    split.sort((x, y) =>
      x.first < y.first ? -1 : x.first > y.first ? 1 : primaryFirst(x.event[0]!, y.event[0]!),
    );
    events.push(...split.map((x) => x.event));
  }
  return events;
}

/**
 * What an alert covers, as the heading of its line: `Topik`, `Kata kunci`, or `Lingkup` for all mentions.
 * "Lingkup" is an alert's scope throughout Pantau's Indonesian text; an API key's scope is its "hak akses".
 */
function scopeHeading(alert: Alert): string {
  return alert.topic ? 'Topik' : alert.keyword ? 'Kata kunci' : 'Lingkup';
}

/** `sebutan negatif 30 (biasanya kurang dari 1)` or `porsi negatif 60,0% dari 20 sebutan (biasanya sekitar 20,0%)`. */
function relatedNumbers(alert: Alert): string {
  return alert.kind === 'share'
    ? `porsi negatif ${formatPercent(alert.observedShare)} dari ${formatNumberId(alert.total)} sebutan (${usualShare(alert.expectedShare)})`
    : `sebutan negatif ${formatNumberId(alert.observed)} (${usualCount(alert.expected)})`;
}

/** A narrative's top terms without the regency's own names (`docs/narratives.md`). */
function named(terms: readonly string[], excluded: ReadonlySet<string>): string[] {
  return terms.filter((t) => !excluded.has(t.toLowerCase()));
}

/** One line for an alert delivered inside another's message. */
function relatedLine(alert: Alert, label: string, timeZone: string, excluded: ReadonlySet<string>): string {
  const terms = [
    ...new Set(
      named(
        alert.narratives.flatMap((n) => n.topTerms),
        excluded,
      ),
    ),
  ].slice(0, 5);
  const late = alert.late ? `; termasuk ${formatNumberId(alert.late.mentions)} sebutan terlambat` : '';
  const estimated = alert.estimatedTimes
    ? `; jam terbit ${formatNumberId(alert.estimatedTimes.negative)} sebutan perkiraan`
    : '';
  return `• ${scopeHeading(alert)}: ${label} — ${relatedNumbers(alert)}${late}${estimated}, ${formatWindow(alert.windowStart, alert.windowEnd, timeZone)}; tingkat ${alert.severity}${terms.length > 0 ? `; narasi: ${terms.join(', ')}` : ''}; ID: ${alert.id}`;
}

/** `semua 30` when every negative mention read is estimated, else `12 dari 30`. */
function estimatedShare(e: NonNullable<Alert['estimatedTimes']>): string {
  return e.negative >= e.of
    ? `semua ${formatNumberId(e.of)}`
    : `${formatNumberId(e.negative)} dari ${formatNumberId(e.of)}`;
}

/**
 * Subject (≤ 100 ASCII characters, as SNS requires) and body of an alert; with `related`, the other alerts
 * of the same event ({@link groupAlerts}) are listed in the same message, one line each, and the subject
 * counts them.
 * @param keywordLabel display label of the alert's keyword or topic (e.g. `Bandara Kertajati`), or of all mentions.
 */
export function renderAlert(
  alert: Alert,
  options: {
    keywordLabel: string;
    timeZone: string;
    regencyName: string;
    related?: readonly { readonly alert: Alert; readonly label: string }[];
    /**
     * Alerts of the same event already delivered in an earlier message: this message is then a follow-up
     * ("Lanjutan"), naming them, so the team reads it as the same story growing, not a new one.
     */
    earlier?: readonly { readonly alert: Alert; readonly label: string }[];
    /** Sent late, by an operator's redelivery: the message says so and when the alert was raised. */
    delayed?: boolean;
    /**
     * Words never shown as narrative terms: the regency's own names (`regencyNameTerms(config)` in
     * `shared/domain/narratives`), as the digest leaves them out. @default the words of `regencyName` and of
     * the keyword labels given here (`keywordLabel`, `related`, `earlier` of keyword alerts)
     */
    excludeTerms?: Iterable<string>;
  },
): { subject: string; text: string } {
  const excluded = new Set(
    options.excludeTerms
      ? [...options.excludeTerms].map((t) => t.toLowerCase())
      : [
          options.regencyName,
          // Keyword labels name the regency's places and offices; topic labels name subjects ("jalan").
          ...(alert.keyword ? [options.keywordLabel] : []),
          ...[...(options.related ?? []), ...(options.earlier ?? [])]
            .filter((r) => r.alert.keyword)
            .map((r) => r.label),
        ].flatMap((t) => words(t)),
  );
  const kind = alert.kind === 'share' ? 'porsi sentimen negatif' : 'jumlah sebutan negatif';
  const related = options.related ?? [];
  const more = related.length > 0 ? ` (+${related.length} lingkup lain)` : '';
  const earlier = options.earlier ?? [];
  const what = earlier.length > 0 ? 'Lanjutan lonjakan negatif' : 'Lonjakan negatif';
  const head = `[Pantau ${SEVERITY[alert.severity]}] ${what}: ${options.keywordLabel}`
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '');
  // The count of related scopes survives a long label: the label is cut, not the count.
  const subject = `${head.slice(0, 99 - more.length)}${more}`;
  const lines = [
    `Peringatan lonjakan ${kind} — ${options.regencyName}`,
    ...(options.delayed
      ? [
          `Pesan tertunda: peringatan ini dibuat ${when(alert.createdAt, options.timeZone)} dan baru terkirim sekarang karena pengiriman sebelumnya gagal.`,
        ]
      : []),
    ...(earlier.length > 0
      ? [
          `Lanjutan dari peristiwa yang sudah diperingatkan: ${earlier
            .map(
              (e) =>
                `${e.alert.topic ? 'topik ' : e.alert.keyword ? 'kata kunci ' : ''}${e.label} (ID ${e.alert.id})`,
            )
            .join('; ')}.`,
        ]
      : []),
    `${scopeHeading(alert)}: ${options.keywordLabel}`,
    `Jendela waktu: ${formatWindow(alert.windowStart, alert.windowEnd, options.timeZone)}`,
    `Sebutan negatif: ${formatNumberId(alert.observed)} (${usualCount(alert.expected)})`,
    `Porsi negatif: ${formatPercent(alert.observedShare)} dari ${formatNumberId(alert.total)} sebutan (${usualShare(alert.expectedShare)})`,
    `Tingkat: ${alert.severity}; sumber: ${alert.sources.join(', ') || '-'}; penulis/media berbeda: ${formatNumberId(alert.distinctAuthors)}`,
    ...(alert.late
      ? [
          `Termasuk ${formatNumberId(alert.late.mentions)} sebutan terlambat (${formatNumberId(alert.late.negative)} negatif) yang terbit sejak ${when(alert.late.publishedFrom, options.timeZone)} dan baru masuk setelah jamnya diperiksa.`,
        ]
      : []),
    ...(alert.estimatedTimes
      ? [
          `Jam terbit ${estimatedShare(alert.estimatedTimes)} sebutan negatif hanya perkiraan: sumbernya memberi tanggal tanpa jam, dicatat pukul 12.00; jendela waktu di atas bisa tidak tepat.`,
        ]
      : []),
    '',
  ];
  if (alert.narratives.length > 0) {
    lines.push('Narasi yang mendorong lonjakan:');
    alert.narratives.slice(0, 3).forEach((n, i) => {
      lines.push(
        `${i + 1}. ${named(n.topTerms, excluded).slice(0, 5).join(', ') || '(tanpa istilah menonjol)'} — ${formatNumberId(n.size)} sebutan, ${formatNumberId(n.distinctAuthors)} penulis/media${n.coordinated ? ', pola salin-tempel (kemungkinan terkoordinasi)' : ''}`,
      );
      for (const e of n.examples.slice(0, 2))
        lines.push(`   • ${e.title ?? e.text.slice(0, 120)} — ${e.url}`);
    });
    lines.push('');
  }
  if (related.length > 0) {
    lines.push(
      'Peristiwa yang sama juga melonjak pada lingkup lain (dikirim dalam pesan ini, tidak terpisah):',
    );
    for (const r of related) lines.push(relatedLine(r.alert, r.label, options.timeZone, excluded));
    lines.push('');
  }
  lines.push(
    `ID peringatan: ${alert.id}`,
    ...(related.length > 0 ? [`ID peringatan terkait: ${related.map((r) => r.alert.id).join(', ')}`] : []),
    related.length > 0
      ? 'Tandai sudah ditangani lewat dasbor Pantau atau API (POST /v1/alerts/{id}/ack), untuk setiap ID.'
      : 'Tandai sudah ditangani lewat dasbor Pantau atau API (POST /v1/alerts/{id}/ack).',
  );
  return { subject, text: lines.join('\n') };
}
