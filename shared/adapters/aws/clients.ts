/**
 * AWS SDK clients, created once per container (module scope in each `handler.ts`), endpoint injectable
 * so dynalite or another emulator only needs a URL.
 */
import { ComprehendClient } from '@aws-sdk/client-comprehend';
import { DynamoDBClient } from '@aws-sdk/client-dynamodb';
import { SNSClient } from '@aws-sdk/client-sns';
import { SQSClient } from '@aws-sdk/client-sqs';

export function dynamoClient(endpoint?: string): DynamoDBClient {
  return new DynamoDBClient(endpoint ? { endpoint } : {});
}

export function sqsClient(): SQSClient {
  return new SQSClient({});
}

/** Comprehend in its own region: it is not offered in ap-southeast-3 (Jakarta). */
export function comprehendClient(region: string): ComprehendClient {
  return new ComprehendClient({ region, maxAttempts: 1 });
}

export function snsClient(): SNSClient {
  return new SNSClient({});
}
