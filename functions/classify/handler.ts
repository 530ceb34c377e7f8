/** AWS entry of the classify Lambda: wiring only. */
import { Metrics } from '@aws-lambda-powertools/metrics';
import { comprehendClient, dynamoClient } from '#shared/adapters/aws/clients.ts';
import { ComprehendAnalyzer } from '#shared/adapters/aws/comprehend.ts';
import { DynamoStore } from '#shared/adapters/aws/dynamo-store.ts';
import { EmbeddedSentimentAnalyzer } from '#shared/adapters/embedded-sentiment.ts';
import { detectLanguage } from '#shared/domain/language.ts';
import { loadEmbeddedModel } from '#shared/domain/sentiment/index.ts';
import { createTopicMatcher } from '#shared/domain/topics.ts';
import { ClassifyEnvSchema, parseEnv } from '#shared/env.ts';
import { createLogger, powertoolsMetricSink } from '#shared/observability.ts';
import { systemClock } from '#shared/ports/clock.ts';
import { bundledRegencyConfig } from '#shared/regency.ts';
import { createHandler } from './app.ts';

const env = parseEnv(ClassifyEnvSchema);
const config = bundledRegencyConfig(env.REGENCY);
const topics = createTopicMatcher(config.topics);

export const handler = createHandler({
  store: new DynamoStore({
    client: dynamoClient(env.DYNAMODB_ENDPOINT),
    tableName: env.TABLE_NAME,
    retentionDays: config.retention.rawTextDays,
  }),
  embedded: new EmbeddedSentimentAnalyzer(loadEmbeddedModel()),
  ...(env.COMPREHEND_MODE === 'on'
    ? { comprehend: new ComprehendAnalyzer({ client: comprehendClient(env.COMPREHEND_REGION) }) }
    : {}),
  detectLanguage,
  matchTopics: (text) => topics.match(text),
  log: createLogger(),
  metrics: powertoolsMetricSink(new Metrics({ namespace: 'Pantau', serviceName: 'pantau' })),
  clock: systemClock,
});
