/**
 * Pantau's named errors shared across layers. Each maps to one HTTP status in the API's error
 * middleware and to one log line elsewhere; causes are chained, never stringified into responses.
 */

/** The thing asked for does not exist (HTTP 404). */
export class NotFoundError extends Error {
  override readonly name = 'NotFoundError';
}

/** Input failed validation (HTTP 400); `issues` follow zod's `{ path, code, message }`. */
export class ValidationError extends Error {
  override readonly name = 'ValidationError';
  constructor(
    message: string,
    readonly issues: readonly { path: string; code: string; message: string }[],
    options?: { cause?: unknown },
  ) {
    super(message, options);
  }
}

/** A store write lost a race or its condition (idempotency guard); callers decide whether that is fine. */
export class ConflictError extends Error {
  override readonly name = 'ConflictError';
}

/**
 * The store refused an item for what it contains (DynamoDB `ValidationException`: a value it cannot hold,
 * an item over 400 KB). Retrying the same item cannot help; callers keep it aside with the reason.
 */
export class RejectedWriteError extends Error {
  override readonly name = 'RejectedWriteError';
}

/** A dependency failed in a way a retry may fix (throttling, timeouts, 5xx). */
export class TransientError extends Error {
  override readonly name = 'TransientError';
}
