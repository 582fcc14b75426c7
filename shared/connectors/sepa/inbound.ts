import { TextDecoder } from 'node:util';
import { SaxesParser } from 'saxes';
import {
  BankFileError,
  type BankFileEvent,
  type BankFileType,
  type MessageReader,
} from './bank-file-events.js';
import { camtReader } from './camt-reader.js';
import { pain002Reader } from './pain002-reader.js';

export { BankFileError, type BankFileEvent, type BankFileType } from './bank-file-events.js';

/** The messages read, by the namespace of their `Document` and the root element inside it. */
const MESSAGES: Readonly<Record<string, { type: BankFileType; root: string }>> = {
  'urn:iso:std:iso:20022:tech:xsd:pain.002.001.03': { type: 'pain.002', root: 'CstmrPmtStsRpt' },
  'urn:iso:std:iso:20022:tech:xsd:camt.054.001.02': { type: 'camt.054', root: 'BkToCstmrDbtCdtNtfctn' },
  'urn:iso:std:iso:20022:tech:xsd:camt.053.001.02': { type: 'camt.053', root: 'BkToCstmrStmt' },
};

/**
 * No element's text in these messages comes near this (the longest, `AddtlInf`, is 105 characters):
 * a longer one is not a bank file, and collecting it would let one element hold unbounded memory.
 */
const MAX_TEXT = 10_000;

/**
 * Reads a bank's answer to SEPA credit transfer files as it streams in: a status report
 * (`pain.002.001.03`), a debit/credit notification (`camt.054.001.02`) or an account statement
 * (`camt.053.001.02`), told apart by the namespace of the `Document` element. Yields the file's
 * events (see {@link BankFileEvent}) chunk by chunk; memory stays bounded whatever the file's size
 * (a SAX parser, and only the entry being read is kept).
 *
 * Throws a {@link BankFileError} naming what is wrong on anything it cannot read: bytes that are not
 * UTF-8, XML that is not well formed, a DTD, another message or version, a missing header, an
 * amount that is not one. Events already yielded stay valid (each names its transfer), so a caller
 * that applies them idempotently may process the file again once it is fixed.
 */
export async function* readBankFile(
  chunks: AsyncIterable<string | Uint8Array>,
): AsyncGenerator<BankFileEvent> {
  const events: BankFileEvent[] = [];
  const parser = new SaxesParser({ xmlns: true, position: true });
  const decoder = new TextDecoder('utf-8', { fatal: true });
  const paths: string[] = [];
  let reader: MessageReader | null = null;
  let text = '';
  let started = false;

  parser.on('error', (error) => {
    throw new BankFileError(`The bank file is not well-formed XML: ${error.message}`, { cause: error });
  });
  parser.on('doctype', () => {
    // ISO 20022 messages have none; refusing it also refuses entity tricks.
    throw new BankFileError('The bank file has a DOCTYPE, which ISO 20022 messages never have');
  });
  parser.on('opentag', (tag) => {
    const depth = paths.length;
    text = '';
    if (depth === 0) {
      reader = readerFor(tag.local, tag.uri, (event) => events.push(event));
      paths.push('');
      return;
    }
    if (depth === 1) {
      const expected = MESSAGES[tag.uri];
      if (!expected || tag.local !== expected.root)
        throw new BankFileError(
          `The bank file's Document holds ${tag.local}, not ${expected?.root ?? 'a known message'}`,
        );
      paths.push('');
      return;
    }
    const path = depth === 2 ? tag.local : `${paths[depth - 1]}/${tag.local}`;
    paths.push(path);
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes)) attributes[attribute.local] = attribute.value;
    reader?.open(path, attributes);
  });
  const collect = (value: string) => {
    if (paths.length < 3) return;
    text += value;
    if (text.length > MAX_TEXT)
      throw new BankFileError(`Element ${paths.at(-1)} has more than ${MAX_TEXT} characters of text`);
  };
  parser.on('text', collect);
  parser.on('cdata', collect);
  parser.on('closetag', () => {
    const path = paths.pop();
    if (path && paths.length >= 2) reader?.close(path, text.trim());
    text = '';
    if (paths.length === 0) reader?.end();
  });

  const write = (chunk: string) => {
    if (!started) {
      if (chunk.trim() === '') return;
      started = true;
      chunk = chunk.replace(/^\uFEFF/, '');
    }
    parser.write(chunk);
  };
  for await (const chunk of chunks) {
    write(typeof chunk === 'string' ? chunk : decode(decoder, chunk, true));
    yield* events.splice(0);
  }
  write(decode(decoder, new Uint8Array(), false));
  if (!started) throw new BankFileError('The bank file is empty');
  parser.close();
  yield* events.splice(0);
}

function readerFor(local: string, uri: string, emit: (event: BankFileEvent) => void): MessageReader {
  if (local !== 'Document')
    throw new BankFileError(`The bank file's root element is ${local}, not an ISO 20022 Document`);
  const message = MESSAGES[uri];
  if (!message)
    throw new BankFileError(
      `The bank file is a ${uri ? `'${uri}'` : 'namespace-less'} Document; read are ${Object.keys(MESSAGES).join(', ')}`,
    );
  return message.type === 'pain.002' ? pain002Reader(emit) : camtReader(message.type, emit);
}

function decode(decoder: TextDecoder, bytes: Uint8Array, stream: boolean): string {
  try {
    return decoder.decode(bytes, { stream });
  } catch (error) {
    throw new BankFileError('The bank file is not UTF-8 text', { cause: error });
  }
}
