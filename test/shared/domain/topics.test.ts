import { describe, expect, it } from 'vitest';
import { TopicSchema } from '#shared/domain/config.ts';
import { createTopicMatcher } from '#shared/domain/topics.ts';

const topics = [
  {
    id: 'infrastruktur',
    label: 'Infrastruktur',
    opd: 'Dinas PUTR',
    terms: ['jalan', 'jembatan', 'Cisumdawu'],
  },
  { id: 'bencana', label: 'Bencana', opd: 'BPBD', terms: ['banjir', 'angin puting beliung', 'longsor'] },
  { id: 'pendidikan', label: 'Pendidikan', opd: 'Dinas Pendidikan', terms: ['sekolah', 'SD', 'SMA'] },
  { id: 'kesehatan', label: 'Kesehatan', opd: 'Dinas Kesehatan', terms: ['rumah sakit', 'RSUD'] },
].map((t) => TopicSchema.parse(t));
const matcher = createTopicMatcher(topics);

describe('createTopicMatcher', () => {
  it('assigns every topic whose term occurs, in configuration order', () => {
    expect(matcher.match('Banjir putus jalan di Majalengka')).toEqual(['infrastruktur', 'bencana']);
  });

  it('matches multi-word terms as phrases', () => {
    expect(matcher.match('Angin puting beliung rusak rumah')).toEqual(['bencana']);
    expect(matcher.match('Rumah Sakit penuh')).toEqual(['kesehatan']);
    expect(matcher.match('Rumah warga sakit')).toEqual([]);
  });

  it('uses word boundaries for short terms', () => {
    expect(matcher.match('Gedung SD Negeri 1 ambruk')).toEqual(['pendidikan']);
    expect(matcher.match('Pelatihan SDM desa')).toEqual([]);
  });

  it('shares the keyword engine (case, diacritics, clitics)', () => {
    expect(matcher.match('JEMBATANNYA ambrol')).toEqual(['infrastruktur']);
  });

  it('returns an empty list when no topic matches', () => {
    expect(matcher.match('Festival budaya')).toEqual([]);
  });
});
