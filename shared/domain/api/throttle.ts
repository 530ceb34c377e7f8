/**
 * A per-key token bucket for the local server (`pantau serve`). On AWS, throttling is API Gateway's
 * stage/route setting (see `docs/api.md`, "Throttling"); a per-container bucket in a Lambda would not
 * limit anything across containers. Pure: the caller passes the time.
 */

export interface TokenBucketOptions {
  /** Tokens added per second (sustained requests per second). */
  readonly ratePerSecond: number;
  /** Bucket size (largest burst). */
  readonly burst: number;
  /** Keys remembered at most; the least recently used is forgotten first. @default 10 000 */
  readonly maxKeys?: number;
}

/** Outcome of {@link TokenBuckets.take}. */
export type TakeResult = { readonly ok: true } | { readonly ok: false; readonly retryAfterSeconds: number };

export class TokenBuckets {
  readonly #rate: number;
  readonly #burst: number;
  readonly #maxKeys: number;
  readonly #buckets = new Map<string, { tokens: number; at: number }>();

  constructor(options: TokenBucketOptions) {
    if (!(options.ratePerSecond > 0) || !(options.burst >= 1))
      throw new RangeError('ratePerSecond must be > 0 and burst ≥ 1');
    this.#rate = options.ratePerSecond;
    this.#burst = options.burst;
    this.#maxKeys = options.maxKeys ?? 10_000;
  }

  /**
   * Take one token for `key` at `nowMs` (epoch ms).
   * @returns ok, or the whole seconds until a token is available (HTTP `Retry-After`).
   */
  take(key: string, nowMs: number): TakeResult {
    const previous = this.#buckets.get(key);
    const tokens = previous
      ? Math.min(this.#burst, previous.tokens + ((nowMs - previous.at) / 1000) * this.#rate)
      : this.#burst;
    this.#buckets.delete(key);
    if (tokens >= 1) {
      this.#buckets.set(key, { tokens: tokens - 1, at: nowMs });
      this.#evict();
      return { ok: true };
    }
    this.#buckets.set(key, { tokens, at: nowMs });
    return { ok: false, retryAfterSeconds: Math.max(1, Math.ceil((1 - tokens) / this.#rate)) };
  }

  #evict(): void {
    while (this.#buckets.size > this.#maxKeys) {
      const oldest = this.#buckets.keys().next().value;
      if (oldest === undefined) break;
      this.#buckets.delete(oldest);
    }
  }
}
