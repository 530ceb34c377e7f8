/**
 * Alert messages in Bahasa Indonesia for e-mail (SNS), Telegram and webhooks. Plain text; the caller
 * escapes for its channel where the channel interprets markup.
 */
import type { Alert } from './alert.ts';

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

/**
 * Subject (≤ 100 ASCII characters, as SNS requires) and body of an alert.
 * @param keywordLabel display label of the alert's keyword or topic (e.g. `Bandara Kertajati`), or of all mentions.
 */
export function renderAlert(
  alert: Alert,
  options: { keywordLabel: string; timeZone: string; regencyName: string },
): { subject: string; text: string } {
  const kind = alert.kind === 'share' ? 'porsi sentimen negatif' : 'jumlah sebutan negatif';
  const subject = `[Pantau ${SEVERITY[alert.severity]}] Lonjakan negatif: ${options.keywordLabel}`
    .normalize('NFKD')
    .replace(/[^\x20-\x7E]/g, '')
    .slice(0, 99);
  const lines = [
    `Peringatan lonjakan ${kind} — ${options.regencyName}`,
    `${alert.topic ? 'Topik' : alert.keyword ? 'Kata kunci' : 'Cakupan'}: ${options.keywordLabel}`,
    `Jendela waktu: ${when(alert.windowStart, options.timeZone)} s.d. ${when(alert.windowEnd, options.timeZone)}`,
    `Sebutan negatif: ${alert.observed} (perkiraan normal ${decimal(alert.expected)})`,
    `Porsi negatif: ${(alert.observedShare * 100).toFixed(0)}% (biasanya ${(alert.expectedShare * 100).toFixed(0)}%) dari ${alert.total} sebutan`,
    `Tingkat: ${alert.severity}; sumber: ${alert.sources.join(', ') || '-'}; penulis berbeda: ${alert.distinctAuthors}`,
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
        `${i + 1}. ${n.topTerms.slice(0, 5).join(', ') || '(tanpa istilah menonjol)'} — ${n.size} sebutan, ${n.distinctAuthors} penulis${n.coordinated ? ', pola salin-tempel (kemungkinan terkoordinasi)' : ''}`,
      );
      for (const e of n.examples.slice(0, 2))
        lines.push(`   • ${e.title ?? e.text.slice(0, 120)} — ${e.url}`);
    });
    lines.push('');
  }
  lines.push(
    `ID peringatan: ${alert.id}`,
    'Tandai sudah ditangani lewat dasbor Pantau atau API (POST /v1/alerts/{id}/ack).',
  );
  return { subject, text: lines.join('\n') };
}
