/**
 * One message per event: alerts whose windows overlap are grouped under a primary, and the message lists
 * the others; alerts at different times stay apart.
 */
import { describe, expect, it } from 'vitest';
import { groupAlerts, renderAlert } from '#shared/domain/alert-render.ts';
import { testAlert } from '../../functions/api/helpers.ts';

const options = { timeZone: 'Asia/Jakarta', regencyName: 'Kabupaten Majalengka' };

describe('groupAlerts', () => {
  it('groups overlapping windows transitively and keeps separate events apart', () => {
    // 07–09 (all) overlaps 08–09 (keyword, topic); 09–10 only touches them at 09:00, which is no overlap;
    // 12–13 stands alone.
    const a = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati');
    const b = testAlert('2026-11-30T07:00:00.000Z', 'all', { windowEnd: '2026-11-30T09:00:00.000Z' });
    const c = testAlert('2026-11-30T08:00:00.000Z', 'topic:bandara', { topic: 'bandara' });
    const d = testAlert('2026-11-30T09:00:00.000Z', 'kw:jatiwangi');
    const e = testAlert('2026-11-30T12:00:00.000Z', 'kw:majalengka');
    const groups = groupAlerts([e, d, c, a, b]);
    expect(groups.map((g) => g.map((x) => x.seriesId))).toEqual([
      // Same severity: the broadest scope (all mentions) leads, then the keyword, then the topic.
      ['all', 'kw:kertajati', 'topic:bandara'],
      ['kw:jatiwangi'],
      ['kw:majalengka'],
    ]);
  });

  it('puts the most severe alert first, whatever its scope', () => {
    const all = testAlert('2026-11-30T08:00:00.000Z', 'all', { severity: 'sedang' });
    const kw = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', { severity: 'kritis' });
    const share = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', {
      id: '2026-11-30T08:00:00.000Z~share:kw:kertajati',
      kind: 'share',
      severity: 'kritis',
    });
    expect(groupAlerts([all, share, kw])[0]?.map((x) => [x.kind, x.severity, x.seriesId])).toEqual([
      ['volume', 'kritis', 'kw:kertajati'],
      ['share', 'kritis', 'kw:kertajati'],
      ['volume', 'sedang', 'all'],
    ]);
  });
});

describe('renderAlert with related alerts', () => {
  it('lists every related alert with its scope, numbers and id, and counts them in the subject', () => {
    const primary = testAlert('2026-11-30T08:00:00.000Z', 'all');
    const kw = testAlert('2026-11-30T08:00:00.000Z', 'kw:kertajati', { observed: 9, expected: 1.25 });
    const share = testAlert('2026-11-30T08:00:00.000Z', 'topic:bandara', {
      topic: 'bandara',
      kind: 'share',
      observedShare: 0.45,
      expectedShare: 0.2,
      total: 40,
      late: { mentions: 3, negative: 2, publishedFrom: '2026-11-30T05:00:00.000Z' },
    });
    const out = renderAlert(primary, {
      ...options,
      keywordLabel: 'Semua sebutan',
      related: [
        { alert: kw, label: 'Bandara Kertajati' },
        { alert: share, label: 'Bandara' },
      ],
    });
    expect(out.subject).toBe('[Pantau TINGGI] Lonjakan negatif: Semua sebutan (+2 cakupan lain)');
    // 15.00–16.00 WIB; 9 and 1,3 (1.25 to one decimal in Indonesian notation); the share in percent.
    expect(out.text).toContain(
      `• Kata kunci: Bandara Kertajati — sebutan negatif 9 (perkiraan normal 1,3), 30 November 2026 pukul 15.00 WIB s.d. 30 November 2026 pukul 16.00 WIB; tingkat tinggi; narasi: jalan, rusak, cigasong; ID: ${kw.id}`,
    );
    expect(out.text).toContain(
      `• Topik: Bandara — porsi negatif 45% (biasanya 20%) dari 40 sebutan; termasuk 3 sebutan terlambat,`,
    );
    expect(out.text).toContain(`ID peringatan terkait: ${kw.id}, ${share.id}`);
  });

  it('keeps the related count when a long label must be cut to the 99-character subject', () => {
    const out = renderAlert(testAlert('2026-11-30T08:00:00.000Z', 'all'), {
      ...options,
      keywordLabel: 'x'.repeat(200),
      related: [{ alert: testAlert('2026-11-30T08:00:00.000Z', 'kw:a'), label: 'A' }],
    });
    expect(out.subject.length).toBe(99);
    expect(out.subject.endsWith(' (+1 cakupan lain)')).toBe(true);
  });

  it('renders a lone alert as before: no related section, no count', () => {
    const out = renderAlert(testAlert('2026-11-30T08:00:00.000Z', 'all'), {
      ...options,
      keywordLabel: 'Semua sebutan',
    });
    expect(out.subject).toBe('[Pantau TINGGI] Lonjakan negatif: Semua sebutan');
    expect(out.text).not.toContain('cakupan lain');
    expect(out.text).not.toContain('terkait');
  });
});
