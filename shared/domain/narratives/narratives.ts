/**
 * What a spike is about: groups a window's negative mentions into narratives.
 *
 * 1. Near-duplicates and copy-paste campaigns: MinHash over word 3-shingles with LSH banding
 *    (`minhash.ts`); each group counts its distinct authors.
 * 2. Related posts: terms that rose most against the trailing baseline by G² (`g2.ts`); each
 *    near-duplicate group joins, in one pass (largest groups first), the narrative whose rising terms it
 *    shares most (cosine over G²-weighted term sets), or starts a new one.
 * 3. Each narrative is named by the rising terms with the most G² weight among its posts; examples are
 *    its most engaged posts (likes + shares + replies), with links.
 * Pure and deterministic (ties broken by mention id). Sources: `docs/narratives.md`.
 */
import { createHash } from 'node:crypto';
import type { NarrativeSummary } from '#shared/domain/alert.ts';
import type { ScoredMention } from '#shared/domain/mention.ts';
import { type RisingTerm, risingTerms } from './g2.ts';
import { minhash, nearDuplicateGroups, shingles } from './minhash.ts';
import { terms, words } from './text.ts';

/** Options for {@link buildNarratives}. */
export interface NarrativeOptions {
  /** Estimated Jaccard similarity of shingle sets at which two posts are near-duplicates. @default 0.6 */
  duplicateThreshold?: number;
  /** Cosine similarity (G²-weighted rising terms) needed to join a narrative. @default 0.3 */
  joinSimilarity?: number;
  /** A rising term needs this G² (10.83 = p < 0.001). @default 10.83 */
  minG2?: number;
  /** …and at least this many window posts. @default 2 */
  minTermCount?: number;
  /** A near-duplicate group with at least this many distinct authors looks coordinated. @default 3 */
  coordinatedAuthors?: number;
  /** Top terms reported per narrative. @default 5 */
  topTerms?: number;
  /** Example mentions reported per narrative. @default 3 */
  examples?: number;
  /** Narratives with fewer mentions are dropped. @default 2 */
  minMentions?: number;
  /**
   * Terms never used to name or join narratives: the regency's own names (`regencyNameTerms` in `text.ts`), which
   * every mention carries and which otherwise rise wherever the baseline is thin (a topic series). Matched
   * lower-cased, as {@link terms} returns them. @default none
   */
  excludeTerms?: Iterable<string>;
}

/**
 * One narrative of a spike window: the alert's `NarrativeSummary` (`shared/domain/alert.ts`) plus the G²
 * of each top term and its largest near-duplicate group.
 */
export type Narrative = NarrativeSummary & {
  termScores: { term: string; g2: number }[];
  largestDuplicateGroup: { mentions: number; distinctAuthors: number };
};

/**
 * Who posted a mention, as a key for distinct-author counts: author id, else handle, else name; with none
 * of those (news feeds), the outlet, else the source — so a news site counts as one author.
 */
export function authorKey(m: Pick<ScoredMention, 'author' | 'outlet' | 'source'>): string {
  const a = m.author;
  if (a.id) return `id:${a.id}`;
  if (a.handle) return `h:${a.handle.toLowerCase()}`;
  if (a.name) return `n:${a.name.toLowerCase()}`;
  if (m.outlet) return `o:${m.outlet.toLowerCase()}`;
  return `s:${m.source}`;
}

function engagement(m: ScoredMention): number {
  const e = m.engagement;
  return (e.likes ?? 0) + (e.shares ?? 0) + (e.replies ?? 0);
}

function textOf(m: ScoredMention): string {
  return m.title && !m.text.startsWith(m.title) ? `${m.title}\n${m.text}` : m.text;
}

interface Cluster {
  members: number[];
  weights: Map<string, number>;
  dupGroups: number[][];
}

/**
 * The terms at least half of `sets` (and at least 2) contain, most shared first (ties alphabetical), at most
 * `max`; `g2` is 0: they did not rise against a baseline, they are only what the posts have in common.
 */
function sharedTerms(sets: readonly ReadonlySet<string>[], max: number): { term: string; g2: number }[] {
  const counts = new Map<string, number>();
  for (const set of sets) for (const t of set) counts.set(t, (counts.get(t) ?? 0) + 1);
  const floor = Math.max(2, Math.ceil(sets.length / 2));
  return [...counts.entries()]
    .filter(([, n]) => n >= floor)
    .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
    .slice(0, max)
    .map(([term]) => ({ term, g2: 0 }));
}

/**
 * Groups a window's (negative) mentions into narratives, largest first.
 * @param windowMentions the mentions of the spike window (typically the negative ones).
 * @param baselineMentions mentions of the trailing baseline (e.g. the previous 7 days) to rank terms against.
 */
export function buildNarratives(
  windowMentions: readonly ScoredMention[],
  baselineMentions: readonly ScoredMention[],
  options: NarrativeOptions = {},
): Narrative[] {
  const {
    duplicateThreshold = 0.6,
    joinSimilarity = 0.3,
    minG2 = 10.83,
    minTermCount = 2,
    coordinatedAuthors = 3,
    topTerms = 5,
    examples = 3,
    minMentions = 2,
    excludeTerms = [],
  } = options;
  const excluded = new Set([...excludeTerms].map((t) => t.toLowerCase()));
  const ms = [...windowMentions].sort((a, b) => (a.id < b.id ? -1 : a.id > b.id ? 1 : 0));
  if (ms.length === 0) return [];
  const texts = ms.map(textOf);
  const contentTerms = (text: string) => {
    const set = terms(text);
    for (const t of excluded) set.delete(t);
    return set;
  };
  const termSets = texts.map(contentTerms);
  const baseSets = baselineMentions.map((m) => contentTerms(textOf(m)));
  const rising = risingTerms(termSets, baseSets, { minCount: minTermCount, minG2 });
  const risingMap = new Map<string, RisingTerm>(rising.map((r) => [r.term, r]));

  const sigs = texts.map((t) => minhash(shingles(words(t))));
  const groups = nearDuplicateGroups(sigs, duplicateThreshold);

  const clusters: Cluster[] = [];
  for (const group of groups) {
    const weights = new Map<string, number>();
    for (const i of group) {
      for (const t of termSets[i]!) {
        const r = risingMap.get(t);
        if (r !== undefined) weights.set(t, (weights.get(t) ?? 0) + r.g2);
      }
    }
    let best: Cluster | undefined;
    let bestSim = joinSimilarity;
    for (const c of clusters) {
      const sim = cosine(weights, c.weights);
      if (sim >= bestSim) {
        best = c;
        bestSim = sim;
      }
    }
    if (best === undefined) {
      clusters.push({ members: [...group], weights, dupGroups: [group] });
    } else {
      best.members.push(...group);
      best.dupGroups.push(group);
      for (const [t, w] of weights) best.weights.set(t, (best.weights.get(t) ?? 0) + w);
    }
  }

  const out: Narrative[] = [];
  for (const c of clusters) {
    if (c.members.length < minMentions) continue;
    const members = c.members.map((i) => ms[i]!);
    const ids = members.map((m) => m.id).sort();
    const authors = new Set(members.map(authorKey));
    const dupStats = c.dupGroups.map((g) => ({
      mentions: g.length,
      distinctAuthors: new Set(g.map((i) => authorKey(ms[i]!))).size,
    }));
    const largest = dupStats.reduce((a, b) => (b.mentions > a.mentions ? b : a));
    const rose = [...c.weights.entries()]
      .sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1))
      .slice(0, topTerms)
      .map(([term]) => ({ term, g2: round(risingMap.get(term)!.g2) }));
    // No term rose significantly (a thin baseline: a new data folder, a quiet week): name the narrative by
    // the terms most of its posts share rather than not at all (QA 2026-12-01: "tanpa istilah menonjol").
    const named =
      rose.length > 0
        ? rose
        : sharedTerms(
            c.members.map((i) => termSets[i]!),
            topTerms,
          );
    out.push({
      id: createHash('sha256').update(ids.join(',')).digest('hex').slice(0, 16),
      topTerms: named.map((t) => t.term),
      termScores: named,
      mentionIds: ids,
      size: ids.length,
      distinctAuthors: authors.size,
      sources: [...new Set(members.map((m) => m.outlet ?? m.source))].sort(),
      examples: [...members]
        .sort((a, b) => engagement(b) - engagement(a) || (a.id < b.id ? -1 : 1))
        .slice(0, examples)
        .map((m) => ({
          id: m.id,
          url: m.url,
          ...(m.title !== undefined ? { title: m.title } : {}),
          text: m.text.slice(0, 280),
          source: m.source,
          ...(m.outlet !== undefined ? { outlet: m.outlet } : {}),
          publishedAt: m.publishedAt,
          engagement: engagement(m),
        })),
      coordinated: dupStats.some((d) => d.mentions >= 2 && d.distinctAuthors >= coordinatedAuthors),
      largestDuplicateGroup: largest,
    });
  }
  return out.sort((a, b) => b.mentionIds.length - a.mentionIds.length || (a.id < b.id ? -1 : 1));
}

function cosine(a: ReadonlyMap<string, number>, b: ReadonlyMap<string, number>): number {
  if (a.size === 0 || b.size === 0) return 0;
  let dot = 0;
  let na = 0;
  let nb = 0;
  for (const [t, w] of a) {
    na += w * w;
    const v = b.get(t);
    if (v !== undefined) dot += w * v;
  }
  for (const w of b.values()) nb += w * w;
  return dot / Math.sqrt(na * nb);
}

function round(x: number): number {
  return Math.round(x * 100) / 100;
}
