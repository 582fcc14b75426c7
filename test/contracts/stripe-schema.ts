import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { Ajv, type ErrorObject, type ValidateFunction } from 'ajv';
import { CONTRACTS_DIR } from './prism.js';

/**
 * Stripe's own OpenAPI document (test/contracts/stripe.openapi.json, 2.5 MB) as a validator for the
 * Stripe fake. Prism takes minutes to load it and openapi-backend refuses it, so the operations the
 * fake serves are checked with ajv directly:
 *
 * - a POST's form body is decoded (`metadata[payout_id]=…`, `expand[]=…`) and checked against the
 *   operation's `application/x-www-form-urlencoded` schema; a GET's query against its `parameters`
 *   (Stripe refuses unknown parameters, so unknown ones are refused here too);
 * - form values are strings: ajv coerces them to the schema's integers and booleans, as Stripe does;
 * - OpenAPI 3.0 is turned into JSON Schema: `nullable: true` becomes a `null` type (or an `anyOf`
 *   with null), refs to `#/components/schemas/…` point into one added schema, and the annotations
 *   ajv does not know (`x-*`, `example`, `discriminator`, `format: unix-time`…) are dropped;
 * - the fake's own answers are checked against the operation's response schemas, so the fake cannot
 *   drift from the shapes Stripe documents.
 */

/** One thing Stripe would refuse, in Stripe's words (`code`, `param` as its error bodies carry them). */
export interface StripeProblem {
  code?: string;
  param?: string;
  message: string;
}

const DOCUMENT = join(CONTRACTS_DIR, 'stripe.openapi.json');
const DROPPED = new Set([
  'example',
  'discriminator',
  'format',
  'description',
  'title',
  'externalDocs',
  'xml',
]);

type Schema = Record<string, unknown>;

/** An OpenAPI 3.0 schema as JSON Schema draft-07 (what ajv reads by default). */
function toJsonSchema(schema: unknown): unknown {
  if (Array.isArray(schema)) return schema.map(toJsonSchema);
  if (!schema || typeof schema !== 'object') return schema;
  const out: Schema = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key.startsWith('x-') || DROPPED.has(key) || key === 'nullable') continue;
    if (key === '$ref') out.$ref = String(value).replace('#/components/schemas/', 'stripe#/definitions/');
    else if (key === 'properties')
      out.properties = Object.fromEntries(
        Object.entries(value as Schema).map(([name, s]) => [name, toJsonSchema(s)]),
      );
    else out[key] = toJsonSchema(value);
  }
  if ((schema as Schema).nullable !== true) return out;
  if (typeof out.type === 'string') {
    out.type = [out.type, 'null'];
    if (Array.isArray(out.enum)) out.enum = [...out.enum, null];
    return out;
  }
  return { anyOf: [out, { type: 'null' }] };
}

interface Operation {
  method: string;
  template: string;
  pattern: RegExp;
  spec: {
    parameters?: { in: string; name: string; required?: boolean; schema: unknown }[];
    requestBody?: { content?: Record<string, { schema?: unknown }> };
    responses: Record<string, { content?: Record<string, { schema?: unknown }> }>;
  };
}

export interface StripeRequestCheck {
  /** The operation's path template (`/v1/transfers/{id}`), undefined when the document has none. */
  operation?: string;
  /** The decoded (and coerced) parameters: form body for POST, query for GET. */
  params: Record<string, unknown>;
  problems: StripeProblem[];
}

export interface StripeDocument {
  checkRequest(request: {
    method: string;
    path: string;
    query: string;
    body: string;
    contentType?: string;
  }): StripeRequestCheck;
  /** Why the answer is not one the document allows for this operation and status ([] if it is). */
  checkResponse(method: string, path: string, status: number, body: unknown): string[];
  /** Why a webhook event is not a Stripe `event` object ([] if it is). */
  checkEvent(event: unknown): string[];
  /** Compiles the validators of these operations (and of events) now rather than on first use. */
  prepare(operations: [method: string, path: string][]): void;
}

/** `a[b][]=c` → `{ a: { b: ['c'] } }`; numeric keys stay keys until the schema asks for an array. */
export function decodeForm(text: string): { value: Record<string, unknown>; problems: StripeProblem[] } {
  const root: Record<string, unknown> = {};
  const problems: StripeProblem[] = [];
  for (const [key, value] of new URLSearchParams(text)) {
    const match = /^([^[\]]+)((?:\[[^[\]]*\])*)$/.exec(key);
    if (!match?.[1]) {
      problems.push({ code: 'parameter_unknown', param: key, message: `Invalid parameter name: ${key}` });
      continue;
    }
    const path = [match[1], ...[...(match[2] ?? '').matchAll(/\[([^[\]]*)\]/g)].map((m) => m[1] ?? '')];
    let container: Record<string, unknown> | unknown[] = root;
    path.forEach((segment, index) => {
      const last = index === path.length - 1;
      const next = last ? value : path[index + 1] === '' ? [] : {};
      if (Array.isArray(container)) {
        if (last) container.push(value);
        else container.push(next);
        container = last ? container : (container.at(-1) as Record<string, unknown>);
        return;
      }
      if (last) container[segment] = value;
      else {
        container[segment] ??= next;
        container = container[segment] as Record<string, unknown>;
      }
    });
  }
  return { value: root, problems };
}

/** Stripe's names for a parameter: `/metadata/payout_id` → `metadata[payout_id]`. */
function paramName(instancePath: string, child?: string): string {
  const parts = instancePath.split('/').filter(Boolean);
  if (child !== undefined) parts.push(child);
  return parts.map((part, index) => (index === 0 ? part : `[${part}]`)).join('');
}

function stripeProblem(error: ErrorObject): StripeProblem {
  if (error.keyword === 'additionalProperties') {
    const param = paramName(error.instancePath, String(error.params.additionalProperty));
    return { code: 'parameter_unknown', param, message: `Received unknown parameter: ${param}` };
  }
  if (error.keyword === 'required') {
    const param = paramName(error.instancePath, String(error.params.missingProperty));
    return { code: 'parameter_missing', param, message: `Missing required param: ${param}.` };
  }
  const param = paramName(error.instancePath);
  if (error.keyword === 'type' && String(error.params.type).includes('integer'))
    return { code: 'parameter_invalid_integer', param, message: `Invalid integer: ${param}` };
  return { param, message: `Invalid ${param || 'request'}: ${error.message ?? error.keyword}` };
}

function describe(errors: ErrorObject[] | null | undefined): string[] {
  return (errors ?? []).map((error) => `${error.instancePath || '/'} ${error.message ?? error.keyword}`);
}

let loaded: StripeDocument | undefined;

/** The document, parsed once per process (≈0.3 s; each operation's validators are compiled on first use). */
export function stripeDocument(): StripeDocument {
  loaded ??= load();
  return loaded;
}

function load(): StripeDocument {
  const document = JSON.parse(readFileSync(DOCUMENT, 'utf8')) as {
    paths: Record<string, Record<string, Operation['spec']>>;
    components: { schemas: Record<string, unknown> };
  };
  const definitions = { $id: 'stripe', definitions: toJsonSchema(document.components.schemas) };
  // Requests: form values are strings, coerced to the schema's types as Stripe does.
  const requests = new Ajv({ strict: false, allErrors: true, coerceTypes: true });
  // Responses: the fake's answers are JSON with real types, nothing is coerced.
  const responses = new Ajv({ strict: false, allErrors: true });
  requests.addSchema(definitions);
  responses.addSchema(definitions);
  const compiled = new Map<string, ValidateFunction>();
  const compile = (ajv: Ajv, key: string, schema: unknown) => {
    let validate = compiled.get(key);
    if (!validate) {
      validate = ajv.compile(toJsonSchema(schema) as Schema);
      compiled.set(key, validate);
    }
    return validate;
  };

  const operations: Operation[] = Object.entries(document.paths).flatMap(([template, methods]) =>
    Object.entries(methods).map(([method, spec]) => ({
      method: method.toUpperCase(),
      template,
      pattern: new RegExp(`^${template.replace(/\{[^}]+\}/g, '[^/]+')}$`),
      spec,
    })),
  );
  const operationOf = (method: string, path: string) =>
    // A literal path (`/v1/transfers/search`) wins over a template (`/v1/transfers/{id}`).
    operations
      .filter((op) => op.method === method && op.pattern.test(path))
      .sort((a, b) => a.template.split('{').length - b.template.split('{').length)[0];

  /** Objects with keys 0…n-1 where the schema has an array (`expand[0]=…`), for the top-level params. */
  function arraysWhereExpected(params: Record<string, unknown>, schema: Schema) {
    const properties = (schema.properties ?? {}) as Record<string, Schema>;
    for (const [name, value] of Object.entries(params)) {
      if (properties[name]?.type !== 'array' || !value || typeof value !== 'object' || Array.isArray(value))
        continue;
      const entries = Object.entries(value).sort(([a], [b]) => Number(a) - Number(b));
      if (entries.every(([index], position) => index === String(position)))
        params[name] = entries.map(([, item]) => item);
    }
  }

  return {
    checkRequest({ method, path, query, body, contentType }) {
      const operation = operationOf(method, path);
      if (!operation)
        return {
          params: {},
          problems: [{ code: 'resource_missing', message: `Unrecognized request URL (${method}: ${path}).` }],
        };
      const key = `${method} ${operation.template}`;
      let schema: Schema;
      let decoded: ReturnType<typeof decodeForm>;
      if (method === 'GET' || method === 'DELETE') {
        const parameters = (operation.spec.parameters ?? []).filter((p) => p.in === 'query');
        schema = {
          type: 'object',
          properties: Object.fromEntries(parameters.map((p) => [p.name, p.schema])),
          required: parameters.filter((p) => p.required).map((p) => p.name),
          additionalProperties: false,
        };
        decoded = decodeForm(query);
        if (body) decoded.problems.push({ message: `A ${method} request carries no body` });
      } else {
        const form = operation.spec.requestBody?.content?.['application/x-www-form-urlencoded']?.schema;
        schema = (form ?? { type: 'object', additionalProperties: false }) as Schema;
        decoded = decodeForm(body);
        if (!contentType?.startsWith('application/x-www-form-urlencoded'))
          decoded.problems.push({
            message: `Stripe reads form-encoded bodies, got Content-Type ${contentType}`,
          });
        if (query)
          decoded.problems.push({ message: `A ${method} to Stripe carries its parameters in the body` });
      }
      arraysWhereExpected(decoded.value, schema);
      const validate = compile(requests, `request ${key}`, schema);
      const problems = [...decoded.problems];
      if (!validate(decoded.value)) problems.push(...(validate.errors ?? []).map(stripeProblem));
      return { operation: operation.template, params: decoded.value, problems };
    },

    checkResponse(method, path, status, body) {
      const operation = operationOf(method, path);
      if (!operation) return []; // a path the document does not have: nothing to answer but 404
      const response = operation.spec.responses[String(status)] ?? operation.spec.responses.default;
      const schema = response?.content?.['application/json']?.schema;
      if (!schema) return [`the document has no ${status} answer for ${method} ${operation.template}`];
      const validate = compile(responses, `response ${method} ${operation.template} ${status}`, schema);
      return validate(body) ? [] : describe(validate.errors);
    },

    checkEvent(event) {
      const validate = compile(responses, 'event', { $ref: '#/components/schemas/event' });
      return validate(event) ? [] : describe(validate.errors);
    },

    prepare(list) {
      for (const [method, path] of list) {
        this.checkRequest({
          method,
          path,
          query: '',
          body: '',
          contentType: 'application/x-www-form-urlencoded',
        });
        for (const status of [200, 400]) this.checkResponse(method, path, status, {});
      }
      this.checkEvent({});
    },
  };
}
