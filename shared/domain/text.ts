/**
 * Characters that make text read differently from what it is (D56): NUL and the other C0 controls
 * but tab and line breaks, DEL, the C1 controls, the bidirectional marks, embeddings, overrides and
 * isolates (a filename "invoice\u202Efdp.exe", a rationale cut short in a report), the line and
 * paragraph separators, and lone UTF-16 surrogates (not text at all: they break URL encoding and
 * JSON elsewhere). Refused, never stripped: what a person typed is not silently changed.
 */
const HIDDEN =
  // biome-ignore lint/suspicious/noControlCharactersInRegex: finding control characters is its purpose.
  /[\u0000-\u0008\u000B\u000C\u000E-\u001F\u007F-\u009F\u061C\u200E\u200F\u2028-\u202E\u2066-\u2069]|[\uD800-\uDBFF](?![\uDC00-\uDFFF])|(?<![\uD800-\uDBFF])[\uDC00-\uDFFF]/;

const MESSAGE =
  'contains a control, bidirectional-override or broken character, which could hide or reorder what the text shows: remove it';

/** Whether a string holds a hidden character. */
export const hasHiddenCharacter = (text: string): boolean => HIDDEN.test(text);

/**
 * Where in a parsed JSON value the first string or key holding a hidden character is (its dotted
 * path) and what to say; for a multi-line string (a CSV in a body), the line. Iterative: a body
 * nested 10,000 levels deep gets its 400 from the schema, not a stack overflow here.
 */
export function hiddenCharacterAt(root: unknown): { path: string; message: string } | undefined {
  const pending: { value: unknown; path: string }[] = [{ value: root, path: '' }];
  for (let next = pending.pop(); next; next = pending.pop()) {
    const { value, path } = next;
    if (typeof value === 'string') {
      const match = HIDDEN.exec(value);
      if (!match) continue;
      const line = value.slice(0, match.index).split('\n').length;
      return { path, message: value.includes('\n') ? `line ${line} ${MESSAGE}` : MESSAGE };
    }
    if (!value || typeof value !== 'object') continue;
    const entries = Array.isArray(value)
      ? value.map((item, index) => [String(index), item] as const)
      : Object.entries(value);
    for (const [key, item] of entries.reverse()) {
      const at = path ? `${path}.${key}` : key;
      if (HIDDEN.test(key)) return { path: at, message: MESSAGE };
      pending.push({ value: item, path: at });
    }
  }
  return undefined;
}
