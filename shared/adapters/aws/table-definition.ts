import type { CreateTableCommandInput } from '@aws-sdk/client-dynamodb';

/**
 * The table's key schema, shared by the local runtime (CreateTable against dynalite) and mirrored by the
 * CDK data stack. `PK`/`SK` strings; `GSI1` (`GSI1PK`, `GSI1SK`, projection ALL) serves the all-mentions
 * day index and the analyst-label export; TTL attribute `expiresAt` (epoch seconds).
 */
export function tableDefinition(tableName: string): CreateTableCommandInput {
  return {
    TableName: tableName,
    BillingMode: 'PAY_PER_REQUEST',
    AttributeDefinitions: [
      { AttributeName: 'PK', AttributeType: 'S' },
      { AttributeName: 'SK', AttributeType: 'S' },
      { AttributeName: 'GSI1PK', AttributeType: 'S' },
      { AttributeName: 'GSI1SK', AttributeType: 'S' },
    ],
    KeySchema: [
      { AttributeName: 'PK', KeyType: 'HASH' },
      { AttributeName: 'SK', KeyType: 'RANGE' },
    ],
    GlobalSecondaryIndexes: [
      {
        IndexName: 'GSI1',
        KeySchema: [
          { AttributeName: 'GSI1PK', KeyType: 'HASH' },
          { AttributeName: 'GSI1SK', KeyType: 'RANGE' },
        ],
        Projection: { ProjectionType: 'ALL' },
      },
    ],
  };
}

/** Name of the TTL attribute (epoch seconds). */
export const TTL_ATTRIBUTE = 'expiresAt';
