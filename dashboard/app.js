// Pantau analysts' dashboard. Talks only to the Pantau API with the key the analyst enters (kept in
// sessionStorage). Every piece of data reaches the page through textContent or checked attributes:
// never innerHTML, so a mention title cannot run script.

import {
  formatNumber,
  formatPercent,
  formatWindow,
  narrativeTerms,
  seriesName,
  usualCount,
  usualShare,
  zoneName,
} from './format.js';
import { describeBadRequest } from './issues.js';
import {
  dateText,
  EARLIEST_DATE,
  earliestUntil,
  PeriodTooEarlyError,
  periodCaption,
  periodRange,
  wibDate,
} from './period.js';

const config = window.PANTAU_CONFIG ?? {};
const API = String(config.apiBaseUrl ?? '').replace(/\/+$/, '');
const KEY_STORAGE = 'pantau.apiKey';
const TZ = 'Asia/Jakarta';

const LABELS = {
  POSITIVE: 'Positif',
  NEUTRAL: 'Netral',
  MIXED: 'Campuran',
  NEGATIVE: 'Negatif',
};
const COLOURS = {
  POSITIVE: '#2e7d32',
  NEUTRAL: '#9e9e9e',
  MIXED: '#f9a825',
  NEGATIVE: '#c62828',
};
const SEVERITY = { sedang: 'Sedang', tinggi: 'Tinggi', kritis: 'Kritis' };

const $ = (id) => document.getElementById(id);

const state = {
  principal: null,
  chart: null,
  // The mention list's exact query (period and filters) beside its cursor: the API binds a cursor to the
  // query of the first page, so "Muat lebih banyak" must repeat it, not recompute it from the controls.
  mentions: { query: '', next: undefined },
  keywords: [],
  topics: [],
  // Counts refreshes, so an answer that arrives after a later refresh started is dropped, not shown.
  refreshes: 0,
};

class ApiError extends Error {
  constructor(status, message, body) {
    super(message);
    this.status = status;
    this.body = body;
  }
}

function apiKey() {
  return sessionStorage.getItem(KEY_STORAGE) ?? '';
}

/** Call the API; throws ApiError with a message in Bahasa Indonesia. */
async function api(path, options = {}) {
  let response;
  try {
    response = await fetch(`${API}${path}`, {
      method: options.method ?? 'GET',
      headers: {
        accept: 'application/json',
        'x-api-key': apiKey(),
        ...(options.body ? { 'content-type': 'application/json' } : {}),
      },
      ...(options.body ? { body: JSON.stringify(options.body) } : {}),
    });
  } catch {
    throw new ApiError(0, 'Tidak dapat menghubungi API Pantau. Periksa jaringan atau alamat API.');
  }
  const body = await response.json().catch(() => ({}));
  if (response.ok) return body;
  // The API's own (English) detail stays in the console for whoever debugs; the page speaks Indonesian.
  if (response.status === 400) console.warn('Pantau API 400', path, body);
  const messages = {
    400: describeBadRequest(body),
    401: 'Kunci API tidak dikenal, salah, atau sudah dicabut. Silakan masuk lagi.',
    403: 'Kunci API ini tidak berhak melakukan tindakan tersebut (butuh hak akses analis).',
    404: 'Data tidak ditemukan.',
    409: 'Sudah ditandai sebelumnya.',
    429: 'Terlalu banyak permintaan. Coba lagi sebentar lagi.',
  };
  throw new ApiError(
    response.status,
    messages[response.status] ?? 'Terjadi kesalahan di server. Coba lagi nanti.',
    body,
  );
}

function el(tag, options = {}, children = []) {
  const node = document.createElement(tag);
  if (options.className) node.className = options.className;
  if (options.text !== undefined) node.textContent = String(options.text);
  if (options.testid) node.dataset.testid = options.testid;
  for (const child of children) if (child) node.append(child);
  return node;
}

/** A link only for http(s) URLs; anything else (javascript:, data:) becomes plain text. */
function safeLink(url, text) {
  let parsed;
  try {
    parsed = new URL(url);
  } catch {
    return el('span', { text });
  }
  if (parsed.protocol !== 'https:' && parsed.protocol !== 'http:') return el('span', { text });
  const a = el('a', { text });
  a.href = parsed.href;
  a.target = '_blank';
  a.rel = 'noopener noreferrer';
  return a;
}

const dateTime = new Intl.DateTimeFormat('id-ID', {
  timeZone: TZ,
  day: 'numeric',
  month: 'short',
  year: 'numeric',
  hour: '2-digit',
  minute: '2-digit',
});
const hourLabel = new Intl.DateTimeFormat('id-ID', {
  timeZone: TZ,
  day: 'numeric',
  month: 'short',
  hour: '2-digit',
});
// Day buckets carry their local date (`yyyy-mm-dd`): label that date itself, whatever the zone.
const dayLabel = new Intl.DateTimeFormat('id-ID', { timeZone: 'UTC', day: 'numeric', month: 'short' });

function wib(iso) {
  return `${dateTime.format(new Date(iso))} WIB`;
}

function showError(message) {
  const box = $('error');
  box.textContent = message;
  box.hidden = !message;
}

function handle(error) {
  if (error instanceof ApiError && error.status === 401) {
    signOut(error.message);
    return;
  }
  showError(error instanceof ApiError ? error.message : 'Terjadi kesalahan yang tidak terduga.');
}

/**
 * The period of the controls, one for every panel (rule in `period.js`). The date input's bounds follow the
 * period: no later than today, no earlier than the first end date whose period the API answers for.
 * @throws {RangeError | PeriodTooEarlyError} as `periodRange` does
 */
function range() {
  const now = Date.now();
  const days = Number($('period').value);
  $('until').max = wibDate(now);
  $('until').min = Number.isInteger(days) && days > 0 ? earliestUntil(days) : EARLIEST_DATE;
  return periodRange(days, $('until').value, now);
}

function seriesQuery() {
  const value = $('series').value;
  if (value.startsWith('kw:')) return `keyword=${encodeURIComponent(value.slice(3))}`;
  if (value.startsWith('topic:')) return `topic=${encodeURIComponent(value.slice(6))}`;
  return '';
}

function join(...parts) {
  return parts.filter(Boolean).join('&');
}

function fetchTrend(r) {
  const q = join(
    seriesQuery(),
    `from=${encodeURIComponent(r.from)}`,
    `to=${encodeURIComponent(r.to)}`,
    `interval=${r.interval}`,
  );
  return api(`/v1/trends?${q}`);
}

function renderTrend(trend) {
  const labels = trend.buckets.map((b) =>
    trend.interval === 'hour' || !b.date
      ? hourLabel.format(new Date(b.start))
      : dayLabel.format(new Date(`${b.date}T00:00:00Z`)),
  );
  const order = ['NEGATIVE', 'MIXED', 'NEUTRAL', 'POSITIVE'];
  const datasets = [
    ...order.map((label) => ({
      type: 'bar',
      label: LABELS[label],
      data: trend.buckets.map((b) => b.counts[label]),
      backgroundColor: COLOURS[label],
      stack: 'sentimen',
      yAxisID: 'y',
    })),
    {
      type: 'line',
      label: 'Sentimen bersih',
      data: trend.buckets.map((b) => (b.total > 0 ? b.netSentiment : null)),
      borderColor: '#1565c0',
      backgroundColor: '#1565c0',
      yAxisID: 'net',
      // Empty buckets have no net sentiment: leave gaps rather than draw a line through them.
      spanGaps: false,
      pointRadius: 3,
    },
  ];
  if (state.chart) state.chart.destroy();
  state.chart = new window.Chart($('trend-chart'), {
    data: { labels, datasets },
    options: {
      locale: 'id-ID',
      responsive: true,
      maintainAspectRatio: false,
      animation: false,
      interaction: { mode: 'index', intersect: false },
      scales: {
        x: { stacked: true },
        y: {
          stacked: true,
          beginAtZero: true,
          grace: '10%',
          ticks: { precision: 0 },
          title: { display: true, text: 'Jumlah sebutan' },
        },
        net: {
          position: 'right',
          min: -1,
          max: 1,
          ticks: { callback: (value) => formatNumber(Number(value), 1) },
          grid: { drawOnChartArea: false },
          title: { display: true, text: 'Sentimen bersih' },
        },
      },
      plugins: {
        legend: { position: 'bottom' },
        tooltip: {
          callbacks: {
            label: (item) =>
              item.parsed.y === null
                ? `${item.dataset.label}: –`
                : `${item.dataset.label}: ${formatNumber(item.parsed.y, item.dataset.yAxisID === 'net' ? 2 : 0)}`,
          },
        },
      },
    },
  });
  const t = trend.totals;
  const n = (value) => formatNumber(value);
  $('trend-summary').textContent =
    `${n(t.total)} sebutan: ${n(t.NEGATIVE)} negatif, ${n(t.POSITIVE)} positif, ${n(t.NEUTRAL)} netral, ${n(t.MIXED)} campuran · sentimen bersih ${formatNumber(t.netSentiment, 2)}`;
  const zone = zoneName(trend.timeZone ?? TZ);
  const offset = trend.utcOffset ? ` (UTC${trend.utcOffset.replace('-', '−')})` : '';
  $('trend-note').textContent =
    trend.interval === 'hour'
      ? `Per jam (label dalam ${zone}). Sentimen bersih = (positif − negatif) / jumlah.`
      : `Per hari, pukul 00.00–24.00 ${zone}${offset}, sama dengan ringkasan harian. Sentimen bersih = (positif − negatif) / jumlah.`;
}

function canAct() {
  return state.principal && (state.principal.scope === 'analyst' || state.principal.scope === 'admin');
}

/** The figures as the alert message and the digest give them: counts for a volume alert, shares for a share alert. */
function alertFigures(alert) {
  return alert.kind === 'share'
    ? `porsi negatif ${formatPercent(alert.observedShare)} dari ${formatNumber(alert.total)} sebutan (${usualShare(alert.expectedShare)})`
    : `${formatNumber(alert.observed)} negatif (${usualCount(alert.expected)}) dari ${formatNumber(alert.total)} sebutan`;
}

function renderAlert(alert) {
  const item = el('li', { className: `alert severity-${alert.severity}`, testid: 'alert' });
  item.dataset.alertId = alert.id;
  item.append(
    el('div', { className: 'alert-head' }, [
      el('strong', { text: seriesName(alert.seriesId, state) }),
      el('span', { className: 'badge', text: SEVERITY[alert.severity] ?? alert.severity }),
    ]),
    el('p', {
      className: 'muted small',
      text: `${formatWindow(alert.windowStart, alert.windowEnd, TZ)} · ${alertFigures(alert)} · ${formatNumber(alert.distinctAuthors)} penulis`,
    }),
  );
  for (const narrative of alert.narratives) {
    const block = el('div', { className: 'narrative', testid: 'narrative' });
    block.append(
      el('p', {}, [
        el('span', { className: 'muted', text: 'Narasi: ' }),
        el('span', {
          className: 'terms',
          text: narrativeTerms(narrative.topTerms, state.keywords).slice(0, 6).join(', '),
        }),
        narrative.coordinated ? el('span', { className: 'badge warn', text: 'terkoordinasi?' }) : null,
      ]),
    );
    const examples = el('ul', { className: 'examples' });
    for (const example of narrative.examples.slice(0, 3)) {
      examples.append(
        el('li', {}, [
          safeLink(example.url, example.title ?? example.text.slice(0, 120)),
          el('span', { className: 'muted small', text: ` · ${example.outlet ?? example.source}` }),
        ]),
      );
    }
    block.append(examples);
    item.append(block);
  }
  item.append(renderAck(alert));
  return item;
}

function renderAck(alert) {
  const box = el('div', { className: 'ack', testid: 'ack' });
  if (alert.acknowledgement) {
    const a = alert.acknowledgement;
    box.append(
      el('p', {
        className: 'ok',
        text: `Ditangani oleh ${a.by} · ${wib(a.at)}${a.note ? ` — ${a.note}` : ''}`,
      }),
    );
    return box;
  }
  if (!canAct()) {
    box.append(el('p', { className: 'muted small', text: 'Belum ditangani.' }));
    return box;
  }
  const note = el('input');
  note.type = 'text';
  note.placeholder = 'Catatan (opsional)';
  note.maxLength = 2000;
  note.setAttribute('aria-label', 'Catatan penanganan');
  const button = el('button', { text: 'Tandai sudah ditangani', testid: 'ack-button' });
  button.type = 'button';
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const path = `/v1/alerts/${encodeURIComponent(alert.id)}/ack`;
      const result = await api(path, {
        method: 'POST',
        body: note.value.trim() ? { note: note.value.trim() } : {},
      });
      box.replaceWith(renderAck(result.alert));
    } catch (error) {
      if (error instanceof ApiError && error.status === 409 && error.body?.acknowledgement) {
        box.replaceWith(renderAck({ ...alert, acknowledgement: error.body.acknowledgement }));
        return;
      }
      button.disabled = false;
      handle(error);
    }
  });
  box.append(note, button);
  return box;
}

function fetchAlerts(r) {
  return api(`/v1/alerts?from=${encodeURIComponent(r.from)}&to=${encodeURIComponent(r.to)}`);
}

function renderAlerts(result) {
  const list = $('alerts');
  list.replaceChildren(...result.items.map(renderAlert));
  $('alerts-empty').hidden = result.items.length > 0;
}

function renderMention(mention) {
  const item = el('li', { className: 'mention', testid: 'mention' });
  item.dataset.mentionId = mention.id;
  item.append(
    safeLink(mention.url, mention.title ?? mention.text.slice(0, 160)),
    el('p', {
      className: 'muted small',
      // A feed that gave no exact time gets an estimated one: say so rather than show it as exact.
      // An analyst's correction is shown beside the model's label, not hidden behind it (QA 2026-12-01).
      text: `${mention.outlet ?? mention.source} · ${mention.publishedAtEstimated ? 'perkiraan ' : ''}${wib(mention.publishedAt)} · model: ${LABELS[mention.sentiment.label]}${mention.analystLabel ? ` · koreksi analis: ${LABELS[mention.analystLabel.label]} (${mention.analystLabel.by})` : ''}`,
    }),
  );
  if (canAct()) item.append(renderLabelControl(mention));
  return item;
}

function renderLabelControl(mention) {
  const form = el('div', { className: 'label-control' });
  const select = el('select');
  select.setAttribute('aria-label', 'Label yang benar');
  for (const [value, text] of Object.entries(LABELS)) {
    const option = el('option', { text });
    option.value = value;
    option.selected = value === (mention.analystLabel?.label ?? mention.sentiment.label);
    select.append(option);
  }
  const button = el('button', { text: 'Koreksi label', className: 'secondary', testid: 'label-button' });
  button.type = 'button';
  const status = el('span', { className: 'small' });
  button.addEventListener('click', async () => {
    button.disabled = true;
    try {
      const result = await api(`/v1/mentions/${encodeURIComponent(mention.id)}/label`, {
        method: 'PUT',
        body: { label: select.value },
      });
      status.textContent = ` Tersimpan: ${LABELS[result.label.label]} (oleh ${result.label.by})`;
      status.className = 'small ok';
    } catch (error) {
      handle(error);
    } finally {
      button.disabled = false;
    }
  });
  form.append(select, button, status);
  return form;
}

function showMentions(page, more) {
  const list = $('mentions');
  const items = page.items.map(renderMention);
  if (more) list.append(...items);
  else list.replaceChildren(...items);
  $('more').hidden = !page.next;
  $('mentions-empty').hidden = list.children.length > 0;
}

async function fetchMentions(r) {
  const query = join(
    seriesQuery(),
    'sentiment=NEGATIVE',
    `from=${encodeURIComponent(r.from)}`,
    `to=${encodeURIComponent(r.to)}`,
    'limit=10',
  );
  return { query, page: await api(`/v1/mentions?${query}`) };
}

function renderMentions({ query, page }) {
  // A page of the previous list still loading ("Muat lebih banyak") sees it is no longer shown and drops it.
  state.mentions = { query, next: page.next };
  showMentions(page, false);
}

async function loadMoreMentions() {
  const mentions = state.mentions;
  if (!mentions.next) return;
  const button = $('more');
  // One request per cursor: a second click on the same cursor would append the same page twice.
  button.disabled = true;
  try {
    const page = await api(`/v1/mentions?${mentions.query}&cursor=${encodeURIComponent(mentions.next)}`);
    if (state.mentions !== mentions) return;
    mentions.next = page.next;
    showMentions(page, true);
  } finally {
    button.disabled = false;
  }
}

/**
 * Load every panel for the period of the controls and show them together with the caption, or none of
 * them: when any request fails, the caption and all panels keep the previous period (the error says so),
 * so the page never shows one period in the caption and another in a panel.
 */
async function refresh() {
  const refreshNo = ++state.refreshes;
  showError('');
  let r;
  try {
    r = range();
  } catch (error) {
    showError(
      error instanceof PeriodTooEarlyError
        ? `Data tersedia mulai ${dateText(EARLIEST_DATE)}: untuk periode ini pilih "Sampai tanggal" ${dateText(error.earliestUntil)} atau sesudahnya.`
        : 'Tanggal "Sampai" tidak valid. Pilih tanggal lain.',
    );
    return;
  }
  const results = await Promise.allSettled([fetchTrend(r), fetchAlerts(r), fetchMentions(r)]);
  // A later refresh owns the page now; these answers are for a period or filter no longer asked for.
  if (refreshNo !== state.refreshes) return;
  const failed = results.find((result) => result.status === 'rejected');
  if (failed) {
    const error = failed.reason;
    if (error instanceof ApiError && error.status === 401) {
      handle(error);
      return;
    }
    const message = error instanceof ApiError ? error.message : 'Terjadi kesalahan yang tidak terduga.';
    const shown = $('period-caption').textContent;
    showError(
      shown
        ? `${message} Grafik, peringatan, dan daftar sebutan masih menampilkan periode sebelumnya.`
        : message,
    );
    return;
  }
  const [trend, alerts, mentions] = results.map((result) => result.value);
  renderTrend(trend);
  renderAlerts(alerts);
  renderMentions(mentions);
  $('period-caption').textContent =
    `Periode: ${periodCaption(r)}, sama untuk grafik, ringkasan, peringatan, dan daftar sebutan.`;
}

async function start() {
  try {
    state.principal = await api('/v1/me');
  } catch (error) {
    signOut(error instanceof ApiError ? error.message : 'Tidak dapat masuk.');
    return;
  }
  $('login').hidden = true;
  $('app').hidden = false;
  $('who').hidden = false;
  $('who-name').textContent = `${state.principal.name} (${state.principal.scope})`;
  try {
    const lists = await api('/v1/keywords');
    state.keywords = lists.keywords;
    state.topics = lists.topics;
    const select = $('series');
    select.replaceChildren(select.options[0]);
    const group = (label, entries, prefix) => {
      const optgroup = el('optgroup');
      optgroup.label = label;
      for (const entry of entries) {
        const option = el('option', { text: entry.label });
        option.value = `${prefix}:${entry.id}`;
        optgroup.append(option);
      }
      return optgroup;
    };
    select.append(group('Kata kunci', lists.keywords, 'kw'), group('Topik', lists.topics, 'topic'));
  } catch (error) {
    handle(error);
  }
  await refresh();
  document.body.dataset.ready = 'true';
}

function signOut(message = '') {
  sessionStorage.removeItem(KEY_STORAGE);
  if (state.chart) state.chart.destroy();
  state.chart = null;
  $('app').hidden = true;
  $('who').hidden = true;
  $('login').hidden = false;
  $('login-error').textContent = message;
}

function init() {
  // `pantau serve` prints a link with the key in the fragment (never sent to a server); keep it for
  // this tab only and remove it from the address bar and history.
  const fragment = new URLSearchParams(window.location.hash.slice(1));
  const fromLink = fragment.get('key');
  if (fromLink) {
    sessionStorage.setItem(KEY_STORAGE, fromLink);
    history.replaceState(null, '', window.location.pathname + window.location.search);
  }
  $('login-form').addEventListener('submit', (event) => {
    event.preventDefault();
    sessionStorage.setItem(KEY_STORAGE, $('api-key').value.trim());
    $('api-key').value = '';
    start();
  });
  $('logout').addEventListener('click', () => signOut());
  $('refresh').addEventListener('click', () => refresh());
  $('series').addEventListener('change', () => refresh());
  $('period').addEventListener('change', () => refresh());
  $('until').addEventListener('change', () => refresh());
  $('more').addEventListener('click', () => loadMoreMentions().catch(handle));
  if (apiKey()) start();
  else signOut();
}

init();
