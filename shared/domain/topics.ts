/**
 * Topic assignment from the regency's taxonomy (`config.topics`), using the same matching engine as
 * keywords ({@link createTextMatcher}): word boundaries, case- and diacritic-insensitive, multi-word terms
 * as phrases, Indonesian clitics tolerated. Topics have no `exclude`/`requires`.
 */
import type { Topic } from './config.ts';
import { createTextMatcher, type TextMatcher } from './keywords.ts';

/** Matches texts against topics. */
export type TopicMatcher = TextMatcher;

/**
 * Compile the configured topics once; `match(text)` returns the ids of every topic one of whose terms
 * occurs in `text`, in configuration order (may be empty).
 * @throws {RangeError} when a term has no letters or digits, or two topics share an id.
 * @example createTopicMatcher(config.topics).match('Jalan rusak di Jatiwangi') // ['infrastruktur']
 */
export function createTopicMatcher(topics: readonly Topic[]): TopicMatcher {
  return createTextMatcher(topics.map((t) => ({ id: t.id, patterns: t.terms })));
}
