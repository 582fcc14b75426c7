import { expect, it } from 'vitest';
import type { ItemMapper } from '../../../shared/adapters/dynamodb/mappers/stored-item.js';
import { altered, refusal } from './refusal.js';

/**
 * What every mapper promises: it reads back what it wrote (format 1), reads an item written before
 * formats existed, and refuses a malformed item naming its entity, key and fields.
 */
export function itBehavesAsAMapper<T>(
  mapper: ItemMapper<T>,
  example: {
    /** A value with every optional part present. */
    value: T;
    key: { pk: string; sk: string };
    /** Attributes that break the item (undefined: taken out), and the fields the error must name. */
    malformed: Record<string, unknown>;
    fields: string[];
  },
) {
  it('reads back the value it wrote, tagged with its entity, key and format 1', () => {
    const item = mapper.toItem(example.value);

    expect(item).toMatchObject({ ...example.key, entity: mapper.entity, fmt: 1 });
    expect(mapper.fromItem(item)).toEqual(example.value);
  });

  it('reads an item written before formats existed (no fmt) as format 1', () => {
    const item = altered(mapper.toItem(example.value), { fmt: undefined });

    expect(mapper.fromItem(item)).toEqual(example.value);
  });

  it('refuses a malformed item, naming the entity, the key and the fields', () => {
    const item = altered(mapper.toItem(example.value), example.malformed);

    const error = refusal(() => mapper.fromItem(item));

    expect({ entity: error.entity, pk: error.pk, sk: error.sk, fields: error.fields }).toEqual({
      entity: mapper.entity,
      ...example.key,
      fields: example.fields,
    });
    expect(error.message).toContain(
      `Stored ${mapper.entity} item (pk ${example.key.pk}, sk ${example.key.sk})`,
    );
  });

  it('refuses an item of a later format', () => {
    const item = altered(mapper.toItem(example.value), { fmt: 2 });

    expect(refusal(() => mapper.fromItem(item)).fields).toEqual(['fmt']);
  });
}
