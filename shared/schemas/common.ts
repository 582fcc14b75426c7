import * as z from 'zod';
import type { FieldProblem } from '../domain/errors.js';

/** ISO 8601 UTC timestamp with milliseconds, as every timestamp in the API. */
export const timestamp = z.iso.datetime({ offset: false }).meta({ example: '2026-11-23T10:00:00.000Z' });

export const errorBody = z
  .object({
    error: z.object({
      type: z.string(),
      code: z.string(),
      message: z.string(),
      param: z.string().optional(),
      request_id: z.string(),
      details: z.array(z.object({ param: z.string(), message: z.string() })).optional(),
    }),
  })
  .meta({ id: 'Error', description: 'Every 4xx and 5xx response has this shape.' });

/** `Idempotency-Key`: 1–255 printable ASCII characters. */
export const idempotencyKey = z
  .string()
  .min(1)
  .max(255)
  .regex(/^[\x20-\x7E]+$/, 'must be printable ASCII')
  .meta({ description: 'Makes the request safe to retry: kept at least 72 hours.' });

/** A list page: newest first, `next_cursor` goes back as `starting_after`. */
export function listOf<T extends z.ZodType>(item: T, id: string) {
  return z
    .object({
      object: z.literal('list'),
      data: z.array(item),
      has_more: z.boolean(),
      next_cursor: z.string().nullable(),
    })
    .meta({ id });
}

/** Turns zod issues into the API's `details`, one entry per field (unknown keys each named). */
export function toFieldProblems(error: z.ZodError, prefix = ''): FieldProblem[] {
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
