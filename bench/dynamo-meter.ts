import { createServer, request as httpRequest, type Server } from 'node:http';

/** Capacity and request counts of everything that went through the meter. */
export interface DynamoUsage {
  /** Write request units as on-demand DynamoDB bills them (table and indexes). */
  writeUnits: number;
  /** Read request units (table and indexes). */
  readUnits: number;
  /** Item writes (each Put/Update/Delete, each item of a batch or transaction): the table's write load. */
  itemWrites: number;
  /** API calls by operation. */
  calls: Record<string, number>;
  /** Write request units by kind of item (`PAYOUT`, `EVENT`, `DELIVERY`, `ATTEMPT`…). */
  writeUnitsByItem: Record<string, number>;
}

type AttributeValue = Record<string, unknown>;

/** An item's size as DynamoDB counts it: attribute names plus values (numbers ~ half their digits). */
export function itemBytes(item: Record<string, AttributeValue>): number {
  let size = 0;
  for (const [name, value] of Object.entries(item)) size += Buffer.byteLength(name) + valueBytes(value);
  return size;
}

function valueBytes(value: AttributeValue): number {
  const [type, inner] = Object.entries(value)[0] ?? ['NULL', true];
  switch (type) {
    case 'S':
      return Buffer.byteLength(inner as string);
    case 'N':
      return Math.ceil(String(inner).replace(/^-|\./g, '').length / 2) + 1;
    case 'B':
      return Buffer.byteLength(inner as string, 'base64');
    case 'BOOL':
    case 'NULL':
      return 1;
    case 'M':
      return 3 + itemBytes(inner as Record<string, AttributeValue>);
    case 'L':
      return 3 + (inner as AttributeValue[]).reduce((sum, element) => sum + 1 + valueBytes(element), 0);
    default:
      return Buffer.byteLength(JSON.stringify(inner));
  }
}

const kilobytes = (bytes: number) => Math.max(1, Math.ceil(bytes / 1024));

/** The kind of an item from its keys: `TENANT#t#DELIVERY#d` → DELIVERY; attempts by their sort key. */
export function kindOf(key: Record<string, AttributeValue> | undefined): string {
  const pk = String(key?.pk?.S ?? '');
  const sk = String(key?.sk?.S ?? '');
  if (sk.startsWith('ATTEMPT#')) return 'ATTEMPT';
  if (sk.startsWith('CHUNK#')) return 'BATCH_CHUNK';
  const parts = pk.split('#');
  return (parts.length >= 4 ? parts[2] : parts[0]) || 'OTHER';
}

/** Operations that take `ReturnConsumedCapacity`. */
const CAPACITY_OPERATIONS = new Set([
  'PutItem',
  'UpdateItem',
  'DeleteItem',
  'GetItem',
  'Query',
  'Scan',
  'BatchWriteItem',
  'BatchGetItem',
  'TransactGetItems',
]);

interface BatchRequest {
  PutRequest?: { Item: Record<string, AttributeValue> };
  DeleteRequest?: { Key: Record<string, AttributeValue> };
}

interface TransactItem {
  Put?: { Item: Record<string, AttributeValue> };
  Update?: { Key: Record<string, AttributeValue> };
  Delete?: { Key: Record<string, AttributeValue> };
  ConditionCheck?: unknown;
}

/**
 * An HTTP proxy in front of DynamoDB Local that meters what the platform asks of the table: it adds
 * `ReturnConsumedCapacity: INDEXES` to each request and sums what DynamoDB Local reports (which follows
 * DynamoDB's rules for single-item and batch operations, indexes included). Local's figures for
 * transactions do not (they vary from 1× to 2× DynamoDB's), so those are computed here: every Put
 * counts 2 units per KB of its item, plus 1 per KB on the index when the item is indexed; an Update,
 * Delete or ConditionCheck counts 2 units (a 1 KB item: ours are). Stream reads are free for Lambda
 * and are not counted.
 */
export async function startDynamoMeter(target: string): Promise<{
  endpoint: string;
  usage: () => DynamoUsage;
  reset: () => void;
  stop: () => Promise<void>;
}> {
  const upstream = new URL(target);
  const empty = (): DynamoUsage => ({
    writeUnits: 0,
    readUnits: 0,
    itemWrites: 0,
    calls: {},
    writeUnitsByItem: {},
  });
  let usage = empty();
  const wrote = (kind: string, units: number) => {
    usage.writeUnits += units;
    usage.itemWrites += 1;
    usage.writeUnitsByItem[kind] = (usage.writeUnitsByItem[kind] ?? 0) + units;
  };
  /** A put's units: `factor` per KB of the item, and 1 per KB on the index when the item is indexed. */
  const putUnits = (item: Record<string, AttributeValue>, factor: number) => {
    const size = kilobytes(itemBytes(item));
    return factor * size + (item.gsi1pk ? size : 0);
  };

  function account(operation: string, input: Record<string, unknown>, output: Record<string, unknown>) {
    usage.calls[operation] = (usage.calls[operation] ?? 0) + 1;
    if (operation === 'TransactWriteItems') {
      for (const item of (input.TransactItems as TransactItem[]) ?? []) {
        if (item.ConditionCheck) continue;
        if (item.Put) wrote(kindOf(item.Put.Item), putUnits(item.Put.Item, 2));
        else wrote(kindOf((item.Update ?? item.Delete)?.Key), 2);
      }
      return;
    }
    if (operation === 'BatchWriteItem') {
      const unprocessed = new Set(
        Object.values((output.UnprocessedItems as Record<string, unknown[]>) ?? {})
          .flat()
          .map((request) => JSON.stringify(request)),
      );
      const tables = input.RequestItems as Record<string, BatchRequest[]>;
      for (const request of Object.values(tables).flat()) {
        if (unprocessed.has(JSON.stringify(request))) continue;
        if (request.PutRequest) wrote(kindOf(request.PutRequest.Item), putUnits(request.PutRequest.Item, 1));
        else wrote(kindOf(request.DeleteRequest?.Key), 1);
      }
      return;
    }
    const consumed = output.ConsumedCapacity;
    const entries = (Array.isArray(consumed) ? consumed : consumed ? [consumed] : []) as {
      CapacityUnits?: number;
    }[];
    const units = entries.reduce((sum, entry) => sum + (entry.CapacityUnits ?? 0), 0);
    if (operation === 'PutItem') wrote(kindOf(input.Item as Record<string, AttributeValue>), units);
    else if (operation === 'UpdateItem' || operation === 'DeleteItem')
      wrote(kindOf(input.Key as Record<string, AttributeValue>), units);
    else usage.readUnits += units;
  }

  const server: Server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      const targetHeader = String(request.headers['x-amz-target'] ?? '');
      const [service, operation = ''] = targetHeader.split('.');
      let body = Buffer.concat(chunks);
      let input: Record<string, unknown> = {};
      const metered = service === 'DynamoDB_20120810';
      if (metered) {
        input = JSON.parse(body.toString('utf8') || '{}');
        if (CAPACITY_OPERATIONS.has(operation)) {
          body = Buffer.from(JSON.stringify({ ...input, ReturnConsumedCapacity: 'INDEXES' }));
        }
      }
      const headers = { ...request.headers, host: upstream.host, 'content-length': String(body.length) };
      const forward = httpRequest(
        {
          hostname: upstream.hostname,
          port: upstream.port,
          path: request.url,
          method: request.method,
          headers,
        },
        (answer) => {
          const parts: Buffer[] = [];
          answer.on('data', (chunk: Buffer) => parts.push(chunk));
          answer.on('end', () => {
            const text = Buffer.concat(parts);
            if (metered && (answer.statusCode ?? 500) < 300) {
              try {
                account(operation, input, JSON.parse(text.toString('utf8') || '{}'));
              } catch {
                // Not JSON: nothing to meter.
              }
            }
            // The body is passed on untouched: the SDK checks its CRC32.
            response.writeHead(answer.statusCode ?? 500, answer.headers);
            response.end(text);
          });
        },
      );
      forward.on('error', (error) => {
        response.writeHead(502);
        response.end(String(error));
      });
      forward.end(body);
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const address = server.address();
  const port = typeof address === 'object' && address ? address.port : 0;
  return {
    endpoint: `http://127.0.0.1:${port}`,
    usage: () => structuredClone(usage),
    reset: () => {
      usage = empty();
    },
    stop: async () => {
      server.closeAllConnections();
      await new Promise<void>((resolve) => server.close(() => resolve()));
    },
  };
}
