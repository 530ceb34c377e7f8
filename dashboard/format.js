// Pure formatting for the dashboard (no DOM, no state), so it can be tested in Node: numbers in Indonesian
// notation and readable names for the counter series that alerts carry.

const MINUS = '\u2212';
const formats = new Map();

/**
 * A number in Indonesian notation, as the digest writes it: decimal comma, dot between thousands, and a
 * true minus sign (U+2212) instead of a hyphen. A value that rounds to zero gets no sign.
 * @param {number} value
 * @param {number} [fractionDigits=0] digits after the comma, always shown (6 → "6,0" with 1)
 * @returns {string} e.g. formatNumber(-0.7, 2) → "−0,70"; formatNumber(1234) → "1.234"
 */
export function formatNumber(value, fractionDigits = 0) {
  let format = formats.get(fractionDigits);
  if (!format) {
    format = new Intl.NumberFormat('id-ID', {
      minimumFractionDigits: fractionDigits,
      maximumFractionDigits: fractionDigits,
      signDisplay: 'negative',
    });
    formats.set(fractionDigits, format);
  }
  return format
    .formatToParts(value)
    .map((part) => (part.type === 'minusSign' ? MINUS : part.value))
    .join('');
}

/** What a series measures, by the prefix the detector gives alert series (`neg:`, `share:`). */
const MEASURES = {
  neg: { of: 'sebutan negatif', all: 'Semua sebutan negatif' },
  share: { of: 'porsi negatif', all: 'Semua sebutan (porsi negatif)' },
};

/**
 * A readable name for a counter or alert series id: the keyword's or topic's label from the config
 * (`GET /v1/keywords`) and what the series measures.
 * `neg:kw:majalengka` → "Majalengka (sebutan negatif)", `share:topic:infrastruktur` →
 * "Infrastruktur & jalan (porsi negatif)", `neg:all` → "Semua sebutan negatif", `kw:majalengka` →
 * "Majalengka", `all` → "Semua sebutan". An id no longer in the config is shown as it is.
 * @param {string} seriesId
 * @param {{ keywords?: { id: string, label: string }[], topics?: { id: string, label: string }[] }} [lists]
 * @returns {string}
 */
export function seriesName(seriesId, lists = {}) {
  const [, prefix, base = ''] = /^(?:(neg|share):)?(.*)$/s.exec(String(seriesId)) ?? [];
  const measure = prefix ? MEASURES[prefix] : undefined;
  if (base === 'all') return measure ? measure.all : 'Semua sebutan';
  const colon = base.indexOf(':');
  const kind = base.slice(0, colon);
  const id = base.slice(colon + 1);
  const entries =
    kind === 'kw' ? (lists.keywords ?? []) : kind === 'topic' ? (lists.topics ?? []) : undefined;
  if (colon < 0 || !entries) return String(seriesId);
  const label = entries.find((entry) => entry.id === id)?.label ?? id;
  return measure ? `${label} (${measure.of})` : label;
}

const ZONE_NAMES = { 'Asia/Jakarta': 'WIB', 'Asia/Makassar': 'WITA', 'Asia/Jayapura': 'WIT' };

/**
 * The Indonesian name of a time zone (WIB, WITA, WIT), else the IANA id.
 * @param {string} timeZone
 * @returns {string}
 */
export function zoneName(timeZone) {
  return ZONE_NAMES[timeZone] ?? timeZone;
}

// The figure rule of the alert messages and the digest (`shared/domain/alert-render.ts`), mirrored here
// because the page loads plain scripts; test/dashboard/format.test.ts holds the two equal on a grid of
// values. Counts: whole numbers with thousand dots. Expected counts: one decimal, "kurang dari 1" below 1.
// Percentages: one decimal; above 0 but rounding to 0,0 % → "di bawah 0,1%".

/**
 * An expected count (a detector's baseline for a window): "kurang dari 1" below 1, else one decimal.
 * @param {number} expected
 * @returns {string} e.g. 0.05 → "kurang dari 1", 2.45 → "2,5"
 */
export function formatExpectedCount(expected) {
  return expected < 1 ? 'kurang dari 1' : formatNumber(expected, 1);
}

/**
 * A fraction (0–1) as a percentage with one decimal.
 * @param {number} fraction
 * @returns {string} e.g. 1 → "100,0%", 0 → "0,0%", 0.0001 → "di bawah 0,1%"
 */
export function formatPercent(fraction) {
  const pct = fraction * 100;
  if (pct > 0 && pct < 0.05) return 'di bawah 0,1%';
  return `${formatNumber(pct, 1)}%`;
}

/**
 * What a window's negative count usually is.
 * @param {number} expected
 * @returns {string} "biasanya sekitar 2,5" or "biasanya kurang dari 1"
 */
export function usualCount(expected) {
  return expected < 1 ? 'biasanya kurang dari 1' : `biasanya sekitar ${formatExpectedCount(expected)}`;
}

/**
 * What a negative share (0–1) usually is.
 * @param {number} fraction
 * @returns {string} "biasanya sekitar 20,0%", "biasanya di bawah 0,1%" or "biasanya 0,0%"
 */
export function usualShare(fraction) {
  const text = formatPercent(fraction);
  return fraction === 0 || text.startsWith('di bawah') ? `biasanya ${text}` : `biasanya sekitar ${text}`;
}

function dateParts(iso, timeZone) {
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

/**
 * An alert window `[start, end)` in local time, the date said once when it fits in one day (as the alert
 * message writes it).
 * @param {string} start UTC ISO-8601
 * @param {string} end UTC ISO-8601, exclusive
 * @param {string} timeZone IANA zone
 * @returns {string} "28 November 2026, pukul 10.00–11.00 WIB", "…, pukul 23.00–24.00 WIB", or across days
 *   "28 November 2026 pukul 23.00 sampai 29 November 2026 pukul 01.00 WIB"
 */
export function formatWindow(start, end, timeZone) {
  const a = dateParts(start, timeZone);
  const b = dateParts(end, timeZone);
  const lastOfDay = dateParts(new Date(Date.parse(end) - 1).toISOString(), timeZone).date;
  const zone = zoneName(timeZone);
  if (a.date === b.date) return `${a.date}, pukul ${a.clock}–${b.clock} ${zone}`;
  if (b.clock === '00.00' && lastOfDay === a.date) return `${a.date}, pukul ${a.clock}–24.00 ${zone}`;
  return `${a.date} pukul ${a.clock} sampai ${b.date} pukul ${b.clock} ${zone}`;
}

/**
 * A narrative's top terms without the regency's own names (the words of the keyword labels from
 * `GET /v1/keywords`), as the alert messages and the digest leave them out (`docs/narratives.md`).
 * @param {string[]} topTerms
 * @param {{ label: string }[]} [keywords]
 * @returns {string[]} e.g. ["banjir", "majalengka", "marah"] with label "Majalengka" → ["banjir", "marah"]
 */
export function narrativeTerms(topTerms, keywords = []) {
  const names = new Set(
    keywords.flatMap((k) =>
      String(k.label)
        .normalize('NFKC')
        .toLowerCase()
        .split(/[^\p{L}\p{N}]+/u),
    ),
  );
  return topTerms.filter((term) => !names.has(String(term).toLowerCase()));
}
