import type { FieldProblem } from '../domain/errors.js';
import * as z from '../zod.js';

/** ISO 8601 UTC timestamp with milliseconds, as every timestamp in the API. */
export const timestamp = z.iso
  .datetime({ offset: false })
  .check(z.meta({ example: '2026-11-23T10:00:00.000Z' }));

export const errorBody = z
  .object({
    error: z.object({
      type: z.string(),
      code: z.string(),
      message: z.string(),
      param: z.optional(z.string()),
      request_id: z.string(),
      details: z.optional(z.array(z.object({ param: z.string(), message: z.string() }))),
    }),
  })
  .check(z.meta({ id: 'Error', description: 'Every 4xx and 5xx response has this shape.' }));

/** `Idempotency-Key`: 1–255 printable ASCII characters. */
export const idempotencyKey = z
  .string()
  .check(
    z.minLength(1),
    z.maxLength(255),
    z.regex(/^[\x20-\x7E]+$/, 'must be printable ASCII'),
    z.meta({ description: 'Makes the request safe to retry: kept at least 72 hours.' }),
  );

/** A list page: newest first, `next_cursor` goes back as `starting_after`. */
export function listOf<T extends z.ZodMiniType>(item: T, id: string) {
  return z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z.nullable(z.string()),
    })
    .check(z.meta({ id }));
}

/** Turns zod issues into the API's `details`, one entry per field (unknown keys each named). */
export function toFieldProblems(error: z.core.$ZodError, prefix = ''): FieldProblem[] {
  const problems: FieldProblem[] = [];
  for (const issue of error.issues) {
    const path = [prefix, ...issue.path.map(String)].filter(Boolean).join('.');
    if (issue.code === 'unrecognized_keys') {
      for (const key of issue.keys) {
        problems.push({ param: path ? `${path}.${key}` : key, message: 'is not a known field' });
      }
    } else {
      const missing = issue.code === 'invalid_type' && issue.message.endsWith('received undefined');
      problems.push({ param: path || prefix || 'body', message: missing ? 'is required' : issue.message });
    }
  }
  return problems;
}
