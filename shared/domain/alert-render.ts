/**
 * Alert messages in Bahasa Indonesia for e-mail (SNS), Telegram and webhooks. Plain text; the caller
 * escapes for its channel where the channel interprets markup.
 */
import type { Alert } from './alert.ts';
import { overlappingGroups } from './windows.ts';

const ZONE_NAMES: Readonly<Record<string, string>> = {
  'Asia/Jakarta': 'WIB',
  'Asia/Makassar': 'WITA',
  'Asia/Jayapura': 'WIT',
};

function when(iso: string, timeZone: string): string {
  const f = new Intl.DateTimeFormat('id-ID', {
    timeZone,
    day: 'numeric',
    month: 'long',
    year: 'numeric',
    hour: '2-digit',
    minute: '2-digit',
    hourCycle: 'h23',
  });
  return `${f.format(new Date(iso))} ${ZONE_NAMES[timeZone] ?? timeZone}`;
}

/** A number in Indonesian notation, one decimal (`0,1`). */
function decimal(n: number): string {
  return new Intl.NumberFormat('id-ID', { minimumFractionDigits: 1, maximumFractionDigits: 1 }).format(n);
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

/** One line for an alert delivered inside another's message. */
function relatedLine(alert: Alert, label: string, timeZone: string): string {
  const scope = alert.topic ? 'Topik' : alert.keyword ? 'Kata kunci' : 'Cakupan';
  const numbers =
    alert.kind === 'share'
      ? `porsi negatif ${(alert.observedShare * 100).toFixed(0)}% (biasanya ${(alert.expectedShare * 100).toFixed(0)}%) dari ${alert.total} sebutan`
      : `sebutan negatif ${alert.observed} (perkiraan normal ${decimal(alert.expected)})`;
  const terms = alert.narratives.flatMap((n) => n.topTerms).slice(0, 5);
  const late = alert.late ? `; termasuk ${alert.late.mentions} sebutan terlambat` : '';
  return `• ${scope}: ${label} — ${numbers}${late}, ${when(alert.windowStart, timeZone)} s.d. ${when(alert.windowEnd, timeZone)}; tingkat ${alert.severity}${terms.length > 0 ? `; narasi: ${terms.join(', ')}` : ''}; ID: ${alert.id}`;
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
  },
): { subject: string; text: string } {
  const kind = alert.kind === 'share' ? 'porsi sentimen negatif' : 'jumlah sebutan negatif';
  const related = options.related ?? [];
  const more = related.length > 0 ? ` (+${related.length} cakupan lain)` : '';
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
    `${alert.topic ? 'Topik' : alert.keyword ? 'Kata kunci' : 'Cakupan'}: ${options.keywordLabel}`,
    `Jendela waktu: ${when(alert.windowStart, options.timeZone)} s.d. ${when(alert.windowEnd, options.timeZone)}`,
    `Sebutan negatif: ${alert.observed} (perkiraan normal ${decimal(alert.expected)})`,
    `Porsi negatif: ${(alert.observedShare * 100).toFixed(0)}% (biasanya ${(alert.expectedShare * 100).toFixed(0)}%) dari ${alert.total} sebutan`,
    `Tingkat: ${alert.severity}; sumber: ${alert.sources.join(', ') || '-'}; penulis/media berbeda: ${alert.distinctAuthors}`,
    ...(alert.late
      ? [
          `Termasuk ${alert.late.mentions} sebutan terlambat (${alert.late.negative} negatif) yang terbit sejak ${when(alert.late.publishedFrom, options.timeZone)} dan baru masuk setelah jamnya diperiksa.`,
        ]
      : []),
    '',
  ];
  if (alert.narratives.length > 0) {
    lines.push('Narasi yang mendorong lonjakan:');
    alert.narratives.slice(0, 3).forEach((n, i) => {
      lines.push(
        `${i + 1}. ${n.topTerms.slice(0, 5).join(', ') || '(tanpa istilah menonjol)'} — ${n.size} sebutan, ${n.distinctAuthors} penulis/media${n.coordinated ? ', pola salin-tempel (kemungkinan terkoordinasi)' : ''}`,
      );
      for (const e of n.examples.slice(0, 2))
        lines.push(`   • ${e.title ?? e.text.slice(0, 120)} — ${e.url}`);
    });
    lines.push('');
  }
  if (related.length > 0) {
    lines.push(
      'Peristiwa yang sama juga melonjak pada cakupan lain (dikirim dalam pesan ini, tidak terpisah):',
    );
    for (const r of related) lines.push(relatedLine(r.alert, r.label, options.timeZone));
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
