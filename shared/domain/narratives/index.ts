/** Narratives: what a spike is about (near-duplicate campaigns, then G²-named clusters). */

export { g2, type RisingTerm, risingTerms } from './g2.ts';
export { estimatedJaccard, minhash, nearDuplicateGroups, shingles } from './minhash.ts';
export { authorKey, buildNarratives, type Narrative, type NarrativeOptions } from './narratives.ts';
export { isStopword, NEGATORS, regencyNameTerms, terms, words } from './text.ts';
