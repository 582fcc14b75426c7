import { BatchGetCommand, type DynamoDBDocumentClient, GetCommand, PutCommand } from '@aws-sdk/lib-dynamodb';
import { describe, expect, it } from 'vitest';
import { coalesceConsistentGets } from '../../shared/adapters/dynamodb/coalesced-gets.js';

const TABLE = 'payouts';
const item = (pk: string, sk = 'S') => ({ pk, sk, value: `${pk}/${sk}` });

/** A document client over a map of items, recording what it was asked; BatchGetItem leaves `unprocessed` keys unread once. */
function fakeClient(items: Record<string, unknown>[], unprocessed = 0) {
  const sent: unknown[] = [];
  let left = unprocessed;
  const find = (key: { pk: string; sk: string }) =>
    items.find((candidate) => candidate.pk === key.pk && candidate.sk === key.sk);
  const client = {
    config: { marker: 'kept' },
    async send(command: unknown) {
      sent.push(command);
      if (command instanceof GetCommand)
        return { Item: find(command.input.Key as { pk: string; sk: string }) };
      if (command instanceof BatchGetCommand) {
        const keys = (command.input.RequestItems?.[TABLE]?.Keys ?? []) as { pk: string; sk: string }[];
        const skipped = keys.slice(0, left);
        left -= skipped.length;
        const read = keys.slice(skipped.length);
        return {
          Responses: { [TABLE]: read.flatMap((key) => (find(key) ? [find(key)] : [])) },
          UnprocessedKeys: skipped.length > 0 ? { [TABLE]: { Keys: skipped } } : {},
        };
      }
      return {};
    },
  };
  return { client: client as unknown as DynamoDBDocumentClient, sent };
}

const get = (pk: string, extra: Record<string, unknown> = {}, sk = 'S') =>
  new GetCommand({ TableName: TABLE, Key: { pk, sk }, ConsistentRead: true, ...extra });

describe('coalesced consistent GetItems (D81)', () => {
  it('reads the GetItems of one turn with one consistent BatchGetItem, each caller its own item or none', async () => {
    const { client, sent } = fakeClient([item('rails'), item('policy')]);
    const coalesced = coalesceConsistentGets(client);
    const [rails, policy, missing, again] = await Promise.all([
      coalesced.send(get('rails')),
      coalesced.send(get('policy')),
      coalesced.send(get('nothing')),
      coalesced.send(get('rails')),
    ]);
    expect(rails.Item).toEqual(item('rails'));
    expect(policy.Item).toEqual(item('policy'));
    expect(missing.Item).toBeUndefined();
    expect(again.Item).toEqual(item('rails'));
    expect(sent).toHaveLength(1);
    const batch = sent[0] as BatchGetCommand;
    expect(batch).toBeInstanceOf(BatchGetCommand);
    expect(batch.input.RequestItems?.[TABLE]).toMatchObject({ ConsistentRead: true });
    expect(batch.input.RequestItems?.[TABLE]?.Keys).toHaveLength(3);
  });

  it('tells apart items of one partition by their sort key (the rails and the policy share the tenant’s)', async () => {
    const { client, sent } = fakeClient([
      item('TENANT#t', 'CONNECTORS'),
      item('TENANT#t', 'POLICY#APPROVALS'),
    ]);
    const coalesced = coalesceConsistentGets(client);
    const [rails, policy] = await Promise.all([
      coalesced.send(get('TENANT#t', {}, 'CONNECTORS')),
      coalesced.send(get('TENANT#t', {}, 'POLICY#APPROVALS')),
    ]);
    expect(rails.Item).toEqual(item('TENANT#t', 'CONNECTORS'));
    expect(policy.Item).toEqual(item('TENANT#t', 'POLICY#APPROVALS'));
    expect(sent).toHaveLength(1);
  });

  it('reads more than 100 keys in calls of at most 100', async () => {
    const many = Array.from({ length: 150 }, (_, index) => item(`k${index}`));
    const { client, sent } = fakeClient(many);
    const coalesced = coalesceConsistentGets(client);
    const results = await Promise.all(many.map(({ pk }) => coalesced.send(get(pk))));
    expect(results.map((result) => result.Item)).toEqual(many);
    expect(
      sent.map((command) => (command as BatchGetCommand).input.RequestItems?.[TABLE]?.Keys?.length),
    ).toEqual([100, 50]);
  });

  it('fails its callers when keys stay unread after its retries, rather than answer "not found"', async () => {
    const { client } = fakeClient([item('a'), item('b')], 1_000);
    const coalesced = coalesceConsistentGets(client);
    const results = await Promise.allSettled([coalesced.send(get('a')), coalesced.send(get('b'))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  }, 10_000);

  it('asks again for the keys BatchGetItem left unread', async () => {
    const { client, sent } = fakeClient([item('a'), item('b')], 1);
    const coalesced = coalesceConsistentGets(client);
    const [a, b] = await Promise.all([coalesced.send(get('a')), coalesced.send(get('b'))]);
    expect([a.Item, b.Item]).toEqual([item('a'), item('b')]);
    expect(sent).toHaveLength(2);
  });

  it('leaves a lone GetItem, an eventually consistent or projected one, and every other command as they are', async () => {
    const { client, sent } = fakeClient([item('a')]);
    const coalesced = coalesceConsistentGets(client);
    expect((await coalesced.send(get('a'))).Item).toEqual(item('a'));
    await Promise.all([
      coalesced.send(get('a', { ConsistentRead: false })),
      coalesced.send(get('a', { ProjectionExpression: 'pk' })),
      coalesced.send(get('a', { ReturnConsumedCapacity: 'TOTAL' })),
      coalesced.send(get('a'), { abortSignal: new AbortController().signal }),
      coalesced.send(new PutCommand({ TableName: TABLE, Item: item('c') })),
    ]);
    expect(sent.map((command) => command?.constructor.name)).toEqual([
      'GetCommand',
      'GetCommand',
      'GetCommand',
      'GetCommand',
      'GetCommand',
      'PutCommand',
    ]);
    expect((coalesced as unknown as { config: unknown }).config).toEqual({ marker: 'kept' });
  });

  it('fails every caller of a batch that failed', async () => {
    const failing = {
      async send() {
        throw new Error('DynamoDB is down');
      },
    } as unknown as DynamoDBDocumentClient;
    const coalesced = coalesceConsistentGets(failing);
    const results = await Promise.allSettled([coalesced.send(get('a')), coalesced.send(get('b'))]);
    expect(results.map((result) => result.status)).toEqual(['rejected', 'rejected']);
  });
});
