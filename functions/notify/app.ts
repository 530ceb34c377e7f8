import type { SNSEvent } from 'aws-lambda';
import { withMiddleware } from '#shared/middleware.ts';
import { deliverAlert, type NotifyDeps, parseAlertMessage } from './notify.ts';

/**
 * The notify Lambda, subscribed to the alerts topic. SNS invokes it asynchronously with one record; a
 * thrown error (bad message, failed channel) makes Lambda retry twice and then send the event to the
 * function's dead-letter queue, where it is kept and alarmed on.
 */
export function createHandler(deps: NotifyDeps) {
  return withMiddleware<SNSEvent, { delivered: string[] }>(deps, async (event) => {
    const delivered: string[] = [];
    for (const record of event.Records) {
      const message = parseAlertMessage(record.Sns.Message);
      delivered.push(...(await deliverAlert(message, deps)));
    }
    return { delivered };
  });
}
