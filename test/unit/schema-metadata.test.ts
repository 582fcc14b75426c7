import { readdirSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import * as z from '../../shared/zod.js';

/** Every schema module (openapi.ts builds the document from them). */
const SCHEMA_MODULES = readdirSync(new URL('../../shared/schemas/', import.meta.url)).filter(
  (file) => file.endsWith('.ts') && file !== 'openapi.ts',
);

const isSchema = (value: unknown): value is z.core.$ZodType =>
  typeof value === 'object' && value !== null && '_zod' in value;

/**
 * With `zod/mini` a schema's metadata (`z.meta`) is one of its checks: `z.extend`, `.check(…)` and the
 * like carry it to the schemas made from it (D84). An `id` (an OpenAPI component name) that a derived
 * schema carries too points at whichever registered last, and the document then describes the wrong
 * one, or `zod-openapi` refuses it as a duplicate.
 */
describe('schema metadata', () => {
  it('names each OpenAPI component by exactly one exported schema', async () => {
    const owners = new Map<string, string[]>();
    for (const file of SCHEMA_MODULES) {
      const url = new URL(`../../shared/schemas/${file}`, import.meta.url).href;
      const module = (await import(/* @vite-ignore */ url)) as Record<string, unknown>;
      for (const [name, value] of Object.entries(module)) {
        if (!isSchema(value)) continue;
        const id = z.globalRegistry.get(value)?.id;
        if (typeof id === 'string') owners.set(id, [...(owners.get(id) ?? []), `${file}: ${name}`]);
      }
    }
    const shared = [...owners].filter(([, names]) => new Set(names).size > 1);

    expect(owners.size).toBeGreaterThan(10);
    expect(owners.get('CreatePayoutRequest')).toEqual(['payout-request.ts: createPayoutBody']);
    expect(shared).toEqual([]);
  });
});
