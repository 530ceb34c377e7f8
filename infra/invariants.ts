/**
 * Numeric rules the stacks must keep, in one place so the data stack (which sizes the queue) and the service
 * stack (which sizes the consumer) cannot drift apart.
 */

/** Lambda's guidance: queue visibility ≥ 6 × function timeout, plus the batching window. */
export const VISIBILITY_TIMEOUT_FACTOR = 6;

/**
 * Smallest visibility timeout that keeps a message invisible through six attempts' worth of one
 * invocation, in seconds: `6 × timeoutSeconds + batchingWindowSeconds`
 * (https://docs.aws.amazon.com/lambda/latest/dg/services-sqs-configure.html).
 */
export function minimumVisibilitySeconds(timeoutSeconds: number, batchingWindowSeconds: number): number {
  return VISIBILITY_TIMEOUT_FACTOR * timeoutSeconds + batchingWindowSeconds;
}

/** Lowest `maxReceiveCount` Pantau accepts: throttled SQS deliveries count as receives. */
export const MIN_MAX_RECEIVE_COUNT = 5;
