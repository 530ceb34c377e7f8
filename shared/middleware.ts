/**
 * The middy chain every Pantau handler shares: Powertools Logger context (cold start, request id,
 * function name on every line) and a metrics flush after each invocation.
 */
import { Logger } from '@aws-lambda-powertools/logger';
import { injectLambdaContext } from '@aws-lambda-powertools/logger/middleware';
import middy from '@middy/core';
import type { Context } from 'aws-lambda';
import { flushMetrics, type Log, type MetricSink } from './observability.ts';

/**
 * Wrap a handler function in Pantau's middy chain.
 * @param deps.log a Powertools `Logger` gets the Lambda context injected; any other {@link Log} is used as is.
 */
export function withMiddleware<TEvent, TResult>(
  deps: { readonly log: Log; readonly metrics: MetricSink },
  handler: (event: TEvent, context: Context) => Promise<TResult>,
): middy.MiddyfiedHandler<TEvent, TResult, Error, Context> {
  const chain = middy<TEvent, TResult, Error, Context>();
  if (deps.log instanceof Logger) chain.use(injectLambdaContext(deps.log, { resetKeys: true }));
  return chain.use(flushMetrics(deps.metrics)).handler(handler);
}
