/**
 * Bank files for tests of the `sepa_file` rail (issue 21): the local bank's builders (pain.002,
 * camt.053/054, in local/bank-files.ts, which the CLI's `sepa bank-reply` uses too) and the XSD
 * check of the pain.001 files the platform writes, against the vendored official schema.
 */
import { readFile } from 'node:fs/promises';
import { validateXML } from 'xmllint-wasm';

export * from '../../local/bank-files.js';

// ---------------------------------------------------------------------------------------------
// XSD validation of pain.001 files

const PAIN_001_SCHEMA = new URL('../../shared/connectors/sepa/schema/pain.001.001.03.xsd', import.meta.url);
const schemas = new Map<string, Promise<string>>();

/**
 * Validates `xml` against the XSD at `schema` with libxml2's xmllint (compiled to WebAssembly,
 * `xmllint-wasm`). Memory grows with the file (xmllint holds it), up to 1 GiB.
 */
export async function validateXsd(
  xml: string | Uint8Array,
  schema: URL,
): Promise<{ valid: boolean; errors: string[] }> {
  if (!schemas.has(schema.href)) schemas.set(schema.href, readFile(schema, 'utf8'));
  const result = await validateXML({
    xml: [{ fileName: 'file.xml', contents: xml }],
    schema: [await (schemas.get(schema.href) as Promise<string>)],
    maxMemoryPages: 16 * 1024, // 1 GiB in 64 KiB pages
  });
  return { valid: result.valid, errors: result.errors.map((error) => error.rawMessage) };
}

/**
 * Validates a pain.001 file against the vendored ISO 20022 `pain.001.001.03` schema: the test
 * oracle of issue 21.
 */
export function validatePain001(xml: string | Uint8Array): Promise<{ valid: boolean; errors: string[] }> {
  return validateXsd(xml, PAIN_001_SCHEMA);
}

/** Collects a streamed file (chunks from `writePain001`) into one string. */
export async function collect(chunks: AsyncIterable<string>): Promise<string> {
  let xml = '';
  for await (const chunk of chunks) xml += chunk;
  return xml;
}

/** Yields `items` one by one as an async iterable (a cursor over stored payouts, in tests). */
export async function* streamOf<T>(items: Iterable<T>): AsyncGenerator<T> {
  for (const item of items) yield item;
}
