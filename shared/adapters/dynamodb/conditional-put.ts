import { ConditionalCheckFailedException } from '@aws-sdk/client-dynamodb';
import { type DynamoDBDocumentClient, PutCommand } from '@aws-sdk/lib-dynamodb';
import { ConcurrentModificationError } from '../../domain/errors.js';

/**
 * Replaces an item only if the stored one still has the `expected` attribute values (its version,
 * and for payouts its status): a lost race becomes a ConcurrentModificationError, never an overwrite.
 */
export async function putIfUnchanged(
  client: DynamoDBDocumentClient,
  table: string,
  item: Record<string, unknown>,
  expected: Record<string, string | number>,
): Promise<void> {
  const names: Record<string, string> = {};
  const values: Record<string, string | number> = {};
  const conditions = Object.entries(expected).map(([attribute, value]) => {
    names[`#${attribute}`] = attribute;
    values[`:${attribute}`] = value;
    return `#${attribute} = :${attribute}`;
  });
  try {
    await client.send(
      new PutCommand({
        TableName: table,
        Item: item,
        ConditionExpression: conditions.join(' AND '),
        ExpressionAttributeNames: names,
        ExpressionAttributeValues: values,
      }),
    );
  } catch (error) {
    if (error instanceof ConditionalCheckFailedException) throw new ConcurrentModificationError();
    throw error;
  }
}
