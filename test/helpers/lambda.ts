import type { Context } from 'aws-lambda';

/** A Lambda context with `remainingMs` left (constant). */
export function lambdaContext(remainingMs = 60_000, functionName = 'pantau-test'): Context {
  return {
    callbackWaitsForEmptyEventLoop: false,
    functionName,
    functionVersion: '$LATEST',
    invokedFunctionArn: `arn:aws:lambda:ap-southeast-3:000000000000:function:${functionName}`,
    memoryLimitInMB: '1024',
    awsRequestId: 'test-request',
    logGroupName: `/aws/lambda/${functionName}`,
    logStreamName: 'test',
    getRemainingTimeInMillis: () => remainingMs,
    done: () => {},
    fail: () => {},
    succeed: () => {},
  };
}
