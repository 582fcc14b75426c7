import { StoredItemError } from '../../../shared/adapters/dynamodb/mappers/stored-item.js';

/** The StoredItemError a read throws (fails the test when it throws nothing or something else). */
export function refusal(read: () => unknown): StoredItemError {
  try {
    read();
  } catch (error) {
    if (error instanceof StoredItemError) return error;
    throw error;
  }
  throw new Error('the malformed item was read without an error');
}

/** A copy of an item with some attributes replaced or (undefined) taken out. */
export function altered(
  item: Record<string, unknown>,
  changes: Record<string, unknown>,
): Record<string, unknown> {
  const copy: Record<string, unknown> = { ...item, ...changes };
  for (const [name, value] of Object.entries(changes)) if (value === undefined) delete copy[name];
  return copy;
}
