import { App, Duration, Stack } from 'aws-cdk-lib';
import { Template } from 'aws-cdk-lib/assertions';
import * as lambda from 'aws-cdk-lib/aws-lambda';
import * as sqs from 'aws-cdk-lib/aws-sqs';
import { describe, expect, it } from 'vitest';
import { InfraConfigError } from '../../infra/config.ts';
import { QueueConsumer, type QueueConsumerProps } from '../../infra/constructs/queue-consumer.ts';

function setup(
  visibilitySeconds: number,
  maxReceiveCount: number,
  timeoutSeconds: number,
  windowSeconds: number,
) {
  const stack = new Stack(new App({ builtinCloudFormationValidation: false }), 'Test');
  const deadLetterQueue = new sqs.Queue(stack, 'Dlq');
  const visibilityTimeout = Duration.seconds(visibilitySeconds);
  const queue = new sqs.Queue(stack, 'Queue', {
    visibilityTimeout,
    deadLetterQueue: { queue: deadLetterQueue, maxReceiveCount },
  });
  const fn = new lambda.Function(stack, 'Fn', {
    runtime: lambda.Runtime.NODEJS_24_X,
    handler: 'index.handler',
    code: lambda.Code.fromInline('export const handler = async () => ({ batchItemFailures: [] });'),
    timeout: Duration.seconds(timeoutSeconds),
  });
  const props: QueueConsumerProps = {
    queue: { queue, deadLetterQueue, visibilityTimeout, maxReceiveCount },
    function: fn,
    timeout: Duration.seconds(timeoutSeconds),
    batchSize: 25,
    batchingWindowSeconds: windowSeconds,
    maxConcurrency: 2,
  };
  return { stack, props };
}

describe('QueueConsumer', () => {
  it('accepts visibility exactly 6 × timeout + window and turns on partial batch responses', () => {
    const { stack, props } = setup(6 * 60 + 10, 5, 60, 10);
    new QueueConsumer(stack, 'Consumer', props);
    Template.fromStack(stack).hasResourceProperties('AWS::Lambda::EventSourceMapping', {
      FunctionResponseTypes: ['ReportBatchItemFailures'],
      BatchSize: 25,
      MaximumBatchingWindowInSeconds: 10,
      ScalingConfig: { MaximumConcurrency: 2 },
    });
  });

  it('refuses a queue that becomes visible again while an invocation may still run', () => {
    const { stack, props } = setup(6 * 60 + 9, 5, 60, 10);
    expect(() => new QueueConsumer(stack, 'Consumer', props)).toThrow(InfraConfigError);
    expect(() => new QueueConsumer(stack, 'Consumer2', props)).toThrow(/369 s is below .* = 370 s/);
  });

  it('refuses a DLQ that would catch merely throttled messages (maxReceiveCount < 5)', () => {
    const { stack, props } = setup(400, 4, 60, 10);
    expect(() => new QueueConsumer(stack, 'Consumer', props)).toThrow(/maxReceiveCount 4 is below 5/);
  });
});
