/**
 * Pantau's embedded Indonesian/Sundanese/Javanese sentiment model: the entry point the classify
 * function and the CLI use. The weights are imported statically so esbuild bundles them into the
 * Lambda; they are decoded once per process (cold start) and cached.
 *
 * Model choice, data, metrics and limits: `docs/model-card.md`.
 */
import type { Sentiment } from '#shared/domain/mention.ts';
import weights from '../../../models/sentiment-id-2026.12.6.json' with { type: 'json' };
import {
  classifyWith,
  decodeWeightFile,
  type LinearModel,
  socialReadingModel,
  type TextGenre,
  TokenCache,
} from './model.ts';

export { CLASSES, ModelFormatError, type SentimentClass, TEXT_GENRES, type TextGenre } from './model.ts';

/** A loaded sentiment model with a pure, synchronous `classify`. */
export interface EmbeddedModel {
  readonly name: string;
  readonly version: string;
  /**
   * Score one text. Never throws for any string (empty, 100 KB, emoji/ZWJ/RTL, lone surrogates).
   *
   * @param text - Plain text; only the first 20,000 UTF-16 code units are read.
   * @param lang - Routed language from `detectLanguage` (`id`, `su`, `jv`, `und` …); `su` and `jv`
   *   switch on their negators and lexicon entries.
   * @param genre - `auto` (default) reads Title Case headlines as news (media-monitoring convention:
   *   adverse events negative) and everything else by the review/post calibration; `news` or `general`
   *   forces one (see `docs/model-card.md`, "News headlines"); `social` adds the social block (a residual
   *   fitted on government-topic posts; `docs/model-card.md`, "Eleventh attempt") to the general logits, for
   *   posts and comments of social sources (the general reading when the model has no block).
   * @returns Comprehend-shaped label and scores (summing to 1) plus model name and version.
   */
  classify(text: string, lang: string, genre?: TextGenre): Sentiment;
}

/**
 * Wrap a decoded model as an {@link EmbeddedModel} with its own token caches: one over the general
 * weights and, for a model with a social block, one over the merged table of the `social` reading
 * (`socialReadingModel`), built on the first `social` call so other callers do not pay for it.
 */
export function embeddedModelFrom(model: LinearModel): EmbeddedModel {
  const cache = new TokenCache(model);
  let socialCache: TokenCache | undefined;
  const cacheFor = (genre: TextGenre): TokenCache => {
    if (genre !== 'social' || model.social === undefined) return cache;
    socialCache ??= new TokenCache(socialReadingModel(model));
    return socialCache;
  };
  return {
    name: model.name,
    version: model.version,
    classify: (text, lang, genre = 'auto') =>
      classifyWith(model, typeof text === 'string' ? text : '', lang, cacheFor(genre), genre),
  };
}

let cached: EmbeddedModel | undefined;

/**
 * The shipped model (`models/sentiment-id-2026.12.6.json`), decoded on first call and cached for the
 * life of the process.
 *
 * @throws {ModelFormatError} if the bundled weight file is corrupt (a build error, not a runtime one).
 */
export function loadEmbeddedModel(): EmbeddedModel {
  cached ??= embeddedModelFrom(decodeWeightFile(weights));
  return cached;
}
