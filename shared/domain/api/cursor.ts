/**
 * Signed page cursors. A cursor is `<payload>.<mac>`, both base64url: the payload is JSON
 * `{ v, q, a, f, t, exp }` and the MAC is HMAC-SHA-256 over the payload's text with the server's key.
 *
 * - `q` binds the cursor to one query: a fingerprint of the filters, the resolved `from`/`to` and the
 *   API key that asked. A cursor presented with other filters, or by another key, is refused.
 * - `exp` makes it short-lived: after {@link CURSOR_TTL_SECONDS} it is refused ("re-used" means
 *   presented after that). Within its lifetime a cursor is an idempotent read: presenting it twice
 *   returns the same page, which is what a client retrying after a network error needs.
 * - `a` is the store's position (`<publishedAt>#<mentionId>`, exclusive upper bound, newest first), so
 *   pages never repeat or skip an item even while new mentions arrive.
 *
 * Unsigned base64 page tokens can be forged or replayed against another query (see
 * `/work/shared/reference/aws.md`, "Scheduling, API, CDK"). Pure apart from node:crypto.
 */
import { createHash, createHmac, timingSafeEqual } from 'node:crypto';
import { z } from 'zod';

/** Lifetime of a cursor: 15 minutes, in seconds. */
export const CURSOR_TTL_SECONDS = 15 * 60;

const PayloadSchema = z.strictObject({
  v: z.literal(1),
  q: z.string().min(1),
  a: z.string().regex(/^\d{4}-\d{2}-\d{2}T[^#]+#[0-9a-f]{32}$/),
  f: z.string(),
  t: z.string(),
  exp: z.number().int(),
});
export type CursorPayload = z.infer<typeof PayloadSchema>;

/** Why a cursor was refused. */
export type CursorProblem = 'malformed' | 'bad-signature' | 'expired' | 'other-query';

/** A refused cursor (HTTP 400; the `problem` becomes the issue code). */
export class CursorError extends Error {
  override readonly name = 'CursorError';
  constructor(
    readonly problem: CursorProblem,
    message: string,
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/**
 * Fingerprint of a query: SHA-256 (base64url, first 22 characters = 132 bits) over the canonical JSON
 * of `parts` with keys sorted and list values sorted, so `sentiment=MIXED,NEGATIVE` and
 * `sentiment=NEGATIVE,MIXED` are the same query.
 */
export function queryFingerprint(
  parts: Readonly<Record<string, string | readonly string[] | undefined>>,
): string {
  const canonical = Object.keys(parts)
    .sort()
    .filter((k) => parts[k] !== undefined)
    .map((k) => {
      const v = parts[k];
      return [k, Array.isArray(v) ? [...v].sort() : v];
    });
  return createHash('sha256').update(JSON.stringify(canonical)).digest('base64url').slice(0, 22);
}

/**
 * Sign a cursor.
 * @param key HMAC key, at least 32 bytes.
 * @param nowMs epoch milliseconds; the cursor expires {@link CURSOR_TTL_SECONDS} later.
 */
export function signCursor(
  content: {
    readonly fingerprint: string;
    readonly after: string;
    readonly from: string;
    readonly to: string;
  },
  key: Uint8Array,
  nowMs: number,
): string {
  const payload: CursorPayload = {
    v: 1,
    q: content.fingerprint,
    a: content.after,
    f: content.from,
    t: content.to,
    exp: Math.floor(nowMs / 1000) + CURSOR_TTL_SECONDS,
  };
  const body = Buffer.from(JSON.stringify(payload)).toString('base64url');
  return `${body}.${mac(body, key)}`;
}

/**
 * Check a cursor's signature and lifetime and return its payload. The caller then compares `q` with the
 * fingerprint of the request (see {@link assertSameQuery}).
 * @throws {CursorError} `malformed`, `bad-signature` or `expired`.
 */
export function openCursor(token: string, key: Uint8Array, nowMs: number): CursorPayload {
  const [body, signature, extra] = token.split('.');
  if (!body || !signature || extra !== undefined || !/^[A-Za-z0-9_-]+$/.test(body))
    throw new CursorError('malformed', 'cursor is not one this API issued');
  const expected = Buffer.from(mac(body, key));
  const actual = Buffer.from(signature);
  if (expected.length !== actual.length || !timingSafeEqual(expected, actual))
    throw new CursorError(
      'bad-signature',
      'cursor signature does not match (altered, or from another server)',
    );
  let payload: CursorPayload;
  try {
    payload = PayloadSchema.parse(JSON.parse(Buffer.from(body, 'base64url').toString('utf8')));
  } catch (error) {
    throw new CursorError('malformed', 'cursor is not one this API issued', { cause: error });
  }
  if (Math.floor(nowMs / 1000) >= payload.exp)
    throw new CursorError(
      'expired',
      `cursor expired (cursors live ${CURSOR_TTL_SECONDS / 60} minutes); start again from the first page`,
    );
  return payload;
}

/** @throws {CursorError} `other-query` when the cursor was issued for another query or API key. */
export function assertSameQuery(payload: CursorPayload, fingerprint: string): void {
  if (payload.q !== fingerprint)
    throw new CursorError(
      'other-query',
      'cursor belongs to a different query; repeat the same filters, or drop the cursor',
    );
}

function mac(body: string, key: Uint8Array): string {
  return createHmac('sha256', key).update(body).digest('base64url');
}
