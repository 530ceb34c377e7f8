/**
 * The daily digest for analysts: numbers ({@link buildDigest}) and three renderings in Bahasa Indonesia
 * (Markdown, inline-styled HTML e-mail, plain text). Pure: the digest use case gathers the inputs.
 * Every piece of user text (titles, outlets, source names, URLs) is escaped for its format.
 */
import type { Alert, NarrativeSummary } from './alert.ts';
import type { RegencyConfig } from './config.ts';
import { type ScoredMention, SENTIMENT_LABELS, type SentimentLabel } from './mention.ts';

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
    /** What the alert covers, for people: the keyword's or topic's label, or "semua sebutan". */
    readonly scope: string;
    /** `volume`: more negative mentions than usual; `share`: a larger negative share. */
    readonly kind: 'volume' | 'share';
    readonly windowStart: string;
    readonly observed: number;
    readonly expected: number;
    readonly severity: string;
    readonly topTerms: readonly string[];
    readonly acknowledgedBy?: string;
  }[];
  /** Sources with at least one failed poll that day: silence is not calm. */
  readonly failedSources: readonly {
    readonly sourceId: string;
    readonly failures: number;
    readonly runs: number;
    readonly lastError: string;
  }[];
}

export interface DigestInput {
  readonly config: Pick<RegencyConfig, 'regency' | 'name' | 'timeZone' | 'keywords' | 'topics'>;
  readonly date: string;
  readonly range: { readonly start: string; readonly end: string };
  readonly generatedAt: string;
  /** Every mention published in `range`. */
  readonly mentions: readonly ScoredMention[];
  /** Daily totals of the 7 days before `date`, oldest first. */
  readonly previousDays: readonly DayPoint[];
  readonly alerts: readonly Alert[];
  readonly sourceRuns: readonly {
    readonly sourceId: string;
    readonly ok: boolean;
    readonly error?: string;
  }[];
  /** Narratives of the day's negative mentions (from `shared/domain/narratives`), largest first. */
  readonly narratives?: readonly NarrativeSummary[];
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
    title: m.title ?? m.text.slice(0, 160),
    source: m.source,
    ...(m.outlet ? { outlet: m.outlet } : {}),
    publishedAt: m.publishedAt,
    label: m.sentiment.label,
    confidence: m.sentiment.scores[key],
    engagement: engagementOf(m),
  };
}

function pctChange(value: number, base: number): number | null {
  return base > 0 ? Math.round(((value - base) / base) * 1000) / 10 : null;
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
  for (const run of input.sourceRuns) {
    const f = failures.get(run.sourceId) ?? { failures: 0, runs: 0, lastError: '' };
    f.runs++;
    if (!run.ok) {
      f.failures++;
      f.lastError = run.error ?? 'unknown error';
    }
    failures.set(run.sourceId, f);
  }

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
      topTerms: nar.topTerms.slice(0, 6),
      size: nar.size,
      distinctAuthors: nar.distinctAuthors,
      coordinated: nar.coordinated,
      examples: nar.examples.slice(0, 2).map((e) => ({ title: e.title ?? e.text.slice(0, 160), url: e.url })),
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
    alerts: input.alerts.map((a) => ({
      id: a.id,
      ...(a.keyword ? { keyword: a.keyword } : {}),
      ...(a.topic ? { topic: a.topic } : {}),
      scope: a.keyword
        ? (keywordInfo.get(a.keyword)?.label ?? a.keyword)
        : a.topic
          ? `topik ${topicInfo.get(a.topic)?.label ?? a.topic}`
          : 'semua sebutan',
      kind: a.kind,
      windowStart: a.windowStart,
      observed: a.observed,
      expected: a.expected,
      severity: a.severity,
      topTerms: a.narratives.flatMap((nar) => nar.topTerms).slice(0, 6),
      ...(a.acknowledgement ? { acknowledgedBy: a.acknowledgement.by } : {}),
    })),
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

/** Escape text for Markdown inline content (CommonMark punctuation that could start markup). */
export function escapeMarkdown(text: string): string {
  return text.replace(/[\\`*_{}[\]()#+\-.!|<>~&]/g, (c) => `\\${c}`).replace(/\s+/g, ' ');
}

/** A URL safe to put in a link: http(s) only, with characters that end a Markdown/HTML link encoded. */
export function safeUrl(url: string): string {
  if (!/^https?:\/\//i.test(url)) return '#';
  return url.replace(/[()<>"' ]/g, (c) => `%${c.charCodeAt(0).toString(16).toUpperCase().padStart(2, '0')}`);
}

function fmtDate(date: string, timeZone: string): string {
  return `${new Intl.DateTimeFormat('id-ID', { dateStyle: 'full', timeZone: 'UTC' }).format(
    new Date(`${date}T00:00:00Z`),
  )} (${zoneName(timeZone)})`;
}

function zoneName(timeZone: string): string {
  return { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' }[timeZone] ?? timeZone;
}

function fmtTime(iso: string, timeZone: string): string {
  return `${new Intl.DateTimeFormat('id-ID', { hour: '2-digit', minute: '2-digit', hourCycle: 'h23', timeZone }).format(new Date(iso))} ${zoneName(timeZone)}`;
}

function fmtNumber(n: number, digits = 0): string {
  return new Intl.NumberFormat('id-ID', {
    maximumFractionDigits: digits,
    minimumFractionDigits: digits,
  }).format(n);
}

function fmtPct(fraction: number): string {
  return `${fmtNumber(fraction * 100, 1)}%`;
}

function fmtChange(pct: number | null): string {
  if (pct === null) return 'belum ada pembanding';
  const sign = pct > 0 ? 'naik' : pct < 0 ? 'turun' : 'tetap';
  return pct === 0
    ? 'sama dengan rata-rata 7 hari'
    : `${sign} ${fmtNumber(Math.abs(pct), 1)}% dari rata-rata 7 hari`;
}

function subject(d: Digest): string {
  return `Ringkasan Harian Pantau — ${d.regencyName}, ${fmtDate(d.date, d.timeZone)}`;
}

/** Plain-text rendering (e-mail fallback part, SNS e-mail). */
export function renderDigestText(d: Digest): string {
  const lines: string[] = [subject(d), ''];
  const s = d.totals.sentiment;
  lines.push(
    `Total sebutan: ${fmtNumber(d.totals.mentions)} (${fmtChange(d.change.changePct)})`,
    `Sentimen: ${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} ${fmtNumber(s[l])}`).join(', ')}`,
    `Porsi negatif: ${fmtPct(d.totals.negativeShare)}; negatif ${fmtChange(d.change.negativeChangePct)}`,
    '',
  );
  const list = (title: string, items: readonly DigestItem[]) => {
    lines.push(`${title}:`);
    if (items.length === 0) lines.push('  (tidak ada)');
    for (const i of items)
      lines.push(`  - ${i.title} [${i.outlet ?? i.source}, ${fmtTime(i.publishedAt, d.timeZone)}] ${i.url}`);
    lines.push('');
  };
  lines.push('Narasi negatif hari ini:');
  if (d.narratives.length === 0) lines.push('  (tidak ada)');
  for (const nar of d.narratives) {
    lines.push(
      `  - ${nar.topTerms.join(', ') || '(tanpa istilah menonjol)'}: ${nar.size} sebutan, ${nar.distinctAuthors} penulis${nar.coordinated ? ', pola salin-tempel' : ''}`,
    );
    for (const ex of nar.examples) lines.push(`      ${ex.title} ${ex.url}`);
  }
  lines.push('');
  list('Berita/unggahan paling negatif', d.topNegative);
  list('Berita/unggahan paling positif', d.topPositive);
  list('Paling banyak interaksi', d.mostEngaged);
  lines.push('Peringatan lonjakan:');
  if (d.alerts.length === 0) lines.push('  (tidak ada)');
  for (const a of d.alerts) {
    lines.push(
      `  - ${a.scope} ${fmtTime(a.windowStart, d.timeZone)}: ${a.observed} negatif${a.kind === 'share' ? ' (porsi naik)' : ''} (perkiraan ${fmtNumber(a.expected, 1)}), ${a.severity}${a.acknowledgedBy ? `, ditangani ${a.acknowledgedBy}` : ', belum ditangani'}`,
    );
  }
  lines.push('', 'Per sumber:');
  for (const r of d.bySource) lines.push(`  - ${r.source}: ${r.count} (${r.negative} negatif)`);
  lines.push('', 'Per topik:');
  if (d.byTopic.length === 0) lines.push('  (tidak ada)');
  for (const t of d.byTopic) lines.push(`  - ${t.label} (${t.opd}): ${t.count} (${t.negative} negatif)`);
  lines.push('', 'Sumber yang gagal dikumpulkan:');
  if (d.failedSources.length === 0) lines.push('  (semua sumber berhasil)');
  for (const f of d.failedSources)
    lines.push(`  - ${f.sourceId}: gagal ${f.failures} dari ${f.runs} kali — ${f.lastError}`);
  return `${lines.join('\n')}\n`;
}

/** Markdown rendering (stored, shown in the dashboard and the CLI). */
export function renderDigestMarkdown(d: Digest): string {
  const s = d.totals.sentiment;
  const md: string[] = [`# ${escapeMarkdown(subject(d))}`, ''];
  if (d.totals.mentions === 0) md.push('_Tidak ada sebutan yang terkumpul pada hari ini._', '');
  md.push(
    `- **Total sebutan:** ${fmtNumber(d.totals.mentions)} (${fmtChange(d.change.changePct)})`,
    `- **Sentimen:** ${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} ${fmtNumber(s[l])}`).join(' · ')}`,
    `- **Porsi negatif:** ${fmtPct(d.totals.negativeShare)} (negatif ${fmtChange(d.change.negativeChangePct)})`,
    '',
  );
  const list = (title: string, items: readonly DigestItem[]) => {
    md.push(`## ${title}`, '');
    if (items.length === 0) md.push('_Tidak ada._');
    for (const i of items) {
      md.push(
        `- [${escapeMarkdown(i.title)}](${safeUrl(i.url)}) — ${escapeMarkdown(i.outlet ?? i.source)}, ${fmtTime(i.publishedAt, d.timeZone)} (${LABEL_ID[i.label]} ${fmtPct(i.confidence)}${i.engagement > 0 ? `, ${fmtNumber(i.engagement)} interaksi` : ''})`,
      );
    }
    md.push('');
  };
  md.push('## Narasi negatif hari ini', '');
  if (d.narratives.length === 0) md.push('_Tidak ada narasi negatif yang menonjol._');
  for (const nar of d.narratives) {
    md.push(
      `- **${escapeMarkdown(nar.topTerms.join(', ') || 'tanpa istilah menonjol')}** — ${nar.size} sebutan, ${nar.distinctAuthors} penulis${nar.coordinated ? ', pola salin-tempel (kemungkinan terkoordinasi)' : ''}${nar.examples.map((ex) => `; [${escapeMarkdown(ex.title)}](${safeUrl(ex.url)})`).join('')}`,
    );
  }
  md.push('');
  list('Paling negatif', d.topNegative);
  list('Paling positif', d.topPositive);
  list('Paling banyak interaksi', d.mostEngaged);
  md.push('## Peringatan lonjakan', '');
  if (d.alerts.length === 0) md.push('_Tidak ada peringatan._');
  for (const a of d.alerts) {
    md.push(
      `- **${escapeMarkdown(a.scope)}**, ${fmtTime(a.windowStart, d.timeZone)}: ${a.observed} negatif${a.kind === 'share' ? ' (porsi naik)' : ''} (perkiraan ${fmtNumber(a.expected, 1)}), tingkat ${a.severity}${a.topTerms.length ? `; narasi: ${a.topTerms.map(escapeMarkdown).join(', ')}` : ''} — ${a.acknowledgedBy ? `ditangani oleh ${escapeMarkdown(a.acknowledgedBy)}` : '**belum ditangani**'}`,
    );
  }
  md.push('', '## Per sumber', '', '| Sumber | Sebutan | Negatif |', '|---|---:|---:|');
  for (const r of d.bySource) md.push(`| ${escapeMarkdown(r.source)} | ${r.count} | ${r.negative} |`);
  md.push('', '## Per topik', '');
  if (d.byTopic.length === 0) md.push('_Tidak ada sebutan bertopik._');
  else {
    md.push('| Topik | OPD | Sebutan | Negatif |', '|---|---|---:|---:|');
    for (const t of d.byTopic)
      md.push(`| ${escapeMarkdown(t.label)} | ${escapeMarkdown(t.opd)} | ${t.count} | ${t.negative} |`);
  }
  md.push('', '## Sumber yang gagal dikumpulkan', '');
  if (d.failedSources.length === 0) md.push('_Semua sumber berhasil dikumpulkan._');
  for (const f of d.failedSources) {
    md.push(
      `- ${escapeMarkdown(f.sourceId)}: gagal ${f.failures} dari ${f.runs} kali — ${escapeMarkdown(f.lastError)}`,
    );
  }
  md.push('', `_Dibuat ${d.generatedAt} oleh Pantau. Hari dihitung menurut ${zoneName(d.timeZone)}._`, '');
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
  const list = (title: string, items: readonly DigestItem[]) =>
    `<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">${e(title)}</h2>${
      items.length === 0
        ? '<p style="font:14px Arial,sans-serif;color:#777">Tidak ada.</p>'
        : `<ul style="padding-left:18px;margin:0">${items
            .map(
              (i) =>
                `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><a href="${e(safeUrl(i.url))}" style="color:#1565c0">${e(i.title)}</a> <span style="color:#777">— ${e(i.outlet ?? i.source)}, ${e(fmtTime(i.publishedAt, d.timeZone))}, ${LABEL_ID[i.label]} ${fmtPct(i.confidence)}${i.engagement > 0 ? `, ${fmtNumber(i.engagement)} interaksi` : ''}</span></li>`,
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
  const alerts =
    d.alerts.length === 0
      ? '<p style="font:14px Arial,sans-serif;color:#777">Tidak ada peringatan.</p>'
      : `<ul style="padding-left:18px;margin:0">${d.alerts
          .map(
            (a) =>
              `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><b>${e(a.scope)}</b>, ${e(fmtTime(a.windowStart, d.timeZone))}: ${a.observed} negatif${a.kind === 'share' ? ' (porsi naik)' : ''} (perkiraan ${fmtNumber(a.expected, 1)}), tingkat ${e(a.severity)}${a.topTerms.length ? `; narasi: ${e(a.topTerms.join(', '))}` : ''} — ${a.acknowledgedBy ? `ditangani oleh ${e(a.acknowledgedBy)}` : '<b style="color:#c62828">belum ditangani</b>'}</li>`,
          )
          .join('')}</ul>`;
  const failed =
    d.failedSources.length === 0
      ? '<p style="font:14px Arial,sans-serif;color:#2e7d32">Semua sumber berhasil dikumpulkan.</p>'
      : `<ul style="padding-left:18px;margin:0">${d.failedSources
          .map(
            (f) =>
              `<li style="font:14px Arial,sans-serif;color:#c62828">${e(f.sourceId)}: gagal ${f.failures} dari ${f.runs} kali — ${e(f.lastError)}</li>`,
          )
          .join('')}</ul>`;
  return `<!doctype html>
<html lang="id"><head><meta charset="utf-8"><title>${e(subject(d))}</title></head>
<body style="margin:0;padding:16px;background:#f5f5f5">
<div style="max-width:680px;margin:0 auto;background:#fff;padding:20px;border-radius:6px">
<h1 style="font:bold 20px Arial,sans-serif;color:#222;margin:0 0 12px">${e(subject(d))}</h1>
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 4px"><b>${fmtNumber(d.totals.mentions)}</b> sebutan (${e(fmtChange(d.change.changePct))}).</p>
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 4px">${SENTIMENT_LABELS.map((l) => `${LABEL_ID[l]} <b>${fmtNumber(s[l])}</b>`).join(' · ')}</p>
<p style="font:14px Arial,sans-serif;color:#333;margin:0 0 12px">Porsi negatif <b>${fmtPct(d.totals.negativeShare)}</b> (negatif ${e(fmtChange(d.change.negativeChangePct))}).</p>
<table role="presentation" style="border-collapse:collapse;margin:8px 0 4px"><tr>${bars}</tr></table>
<p style="font:11px Arial,sans-serif;color:#777;margin:0">Hijau: positif · abu-abu: netral/campuran · merah: negatif (8 hari terakhir)</p>
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Narasi negatif hari ini</h2>${
    d.narratives.length === 0
      ? '<p style="font:14px Arial,sans-serif;color:#777">Tidak ada narasi negatif yang menonjol.</p>'
      : `<ul style="padding-left:18px;margin:0">${d.narratives
          .map(
            (nar) =>
              `<li style="font:14px Arial,sans-serif;margin-bottom:6px"><b>${e(nar.topTerms.join(', ') || 'tanpa istilah menonjol')}</b> — ${nar.size} sebutan, ${nar.distinctAuthors} penulis${nar.coordinated ? ', <b>pola salin-tempel</b>' : ''}${nar.examples.map((ex) => `<br><a href="${e(safeUrl(ex.url))}" style="color:#1565c0">${e(ex.title)}</a>`).join('')}</li>`,
          )
          .join('')}</ul>`
  }
${list('Paling negatif', d.topNegative)}
${list('Paling positif', d.topPositive)}
${list('Paling banyak interaksi', d.mostEngaged)}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Peringatan lonjakan</h2>${alerts}
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Per sumber</h2>
<table style="border-collapse:collapse">${rows([['Sumber', 'Sebutan', 'Negatif'], ...d.bySource.map((r) => [r.source, r.count, r.negative])])}</table>
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Per topik</h2>
<table style="border-collapse:collapse">${rows([['Topik', 'OPD', 'Sebutan', 'Negatif'], ...d.byTopic.map((t) => [t.label, t.opd, t.count, t.negative])])}</table>
<h2 style="font:bold 16px Arial,sans-serif;color:#222;margin:20px 0 8px">Sumber yang gagal dikumpulkan</h2>${failed}
<p style="font:11px Arial,sans-serif;color:#999;margin-top:20px">Dibuat ${e(d.generatedAt)} oleh Pantau. Hari dihitung menurut ${e(zoneName(d.timeZone))}.</p>
</div></body></html>
`;
}

/** The e-mail subject line. */
export function digestSubject(d: Digest): string {
  return subject(d);
}
