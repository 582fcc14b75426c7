import { readFileSync } from 'node:fs';
import { describe, expect, it } from 'vitest';
import { OPERATIONS, openApiDocument } from '../../shared/schemas/openapi.js';
import { ROUTES } from '../../shared/topology.js';

describe('OpenAPI document', () => {
  it('documents every public route of the topology, and nothing the API does not serve', () => {
    // The portal's routes (JWT) serve the SPA and are documented in docs/api.md, not in the contract.
    const publicRoutes = ROUTES.filter((route) => route.auth !== 'jwt');

    expect(Object.keys(OPERATIONS).sort()).toEqual(
      publicRoutes.map((route) => `${route.method} ${route.path}`).sort(),
    );
  });

  it('is OpenAPI 3.1 with the create schema generated from zod, constraints included', () => {
    const document = openApiDocument() as any;
    const create = document.components.schemas.CreatePayoutRequest;
    expect(document.openapi).toBe('3.1.0');
    expect(create.required).toEqual(
      expect.arrayContaining(['amount', 'currency', 'destination', 'reference']),
    );
    expect(create.properties.amount).toMatchObject({ type: 'integer', maximum: 1_000_000_000_000 });
    expect(create.additionalProperties).toBe(false);
    expect(document.paths['/v1/payouts'].post.parameters).toContainEqual(
      expect.objectContaining({ in: 'header', name: 'Idempotency-Key', required: true }),
    );
    expect(document.paths['/v1/health'].get.security).toEqual([]);
  });

  it('is what docs/openapi.json holds (the file get-openapi serves): run `npm run openapi` after a schema change', () => {
    const file = JSON.parse(readFileSync(new URL('../../docs/openapi.json', import.meta.url), 'utf8'));
    expect(file).toEqual(JSON.parse(JSON.stringify(openApiDocument())));
  });
});
