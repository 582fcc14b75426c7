import transliterate from '@sindresorhus/transliterate';

/**
 * The EPC's SEPA character set (the "Latin character set" of the SEPA Credit Transfer rulebook and
 * implementation guidelines): ISO 20022 allows any UTF-8, but banks in SEPA only have to carry
 * `a-z A-Z 0-9 / - ? : ( ) . , ' +` and space. A character outside it may be rejected by the
 * debtor's bank or silently turned into something else on the way; so every text written into a
 * pain.001 file is made of these characters only.
 */
const SEPA_CHARACTERS = /^[a-zA-Z0-9/\-?:().,'+ ]*$/;
const OUTSIDE_SEPA_CHARACTERS = /[^a-zA-Z0-9/\-?:().,'+ ]/g;

/** Longest name (creditor, debtor, initiating party) the EPC guidelines allow: 70 characters. */
export const SEPA_NAME_MAX = 70;

/** Longest unstructured remittance information (`RmtInf/Ustrd`): 140 characters. */
export const SEPA_REMITTANCE_MAX = 140;

/**
 * Replacements applied before the transliteration library's own table.
 *
 * - Umlauts become their base letter (ä → a, Ü → U): the EPC conversion table's rule (EPC217-08);
 *   the German banks' "ae/oe/ue" is only their alternative, and the library's default would also
 *   write a Turkish "Güneş" as "Guenes".
 * - `&` becomes `+`, as the German banks' conversion table writes it ("Smith + Sons"): "and" would
 *   read wrong in every other language, and `+` is in the set.
 * - Quotation marks become the apostrophe, the only quote in the set; `_` becomes `-`; `;` a comma;
 *   `!` a full stop; `…` three full stops.
 *
 * `ß` becomes `ss` and `Ø` `O`, `Æ` `AE`, Greek and Cyrillic letters their Latin spelling: the
 * library's defaults, which match the EPC table.
 */
const REPLACEMENTS: ReadonlyArray<[string, string]> = [
  ['ä', 'a'],
  ['ö', 'o'],
  ['ü', 'u'],
  ['Ä', 'A'],
  ['Ö', 'O'],
  ['Ü', 'U'],
  ['&', '+'],
  ['"', "'"],
  ['“', "'"],
  ['”', "'"],
  ['„', "'"],
  ['‘', "'"],
  ['’', "'"],
  ['‚', "'"],
  ['«', "'"],
  ['»', "'"],
  ['`', "'"],
  ['_', '-'],
  [';', ','],
  ['!', '.'],
  ['…', '...'],
];

/**
 * `value` in the SEPA character set: transliterated (é → e, ß → ss, Ø → O, ü → u, Δ → D, & → +),
 * every character still outside the set (emoji, CJK, `<>@#%*=`…) replaced by a space, whitespace
 * collapsed and the ends trimmed. May return '' when nothing could be carried (see
 * {@link sepaTextProblem}). Idempotent: text already in the set comes back unchanged but for spaces.
 */
export function toSepaText(value: string): string {
  return transliterate(value.normalize('NFC'), { customReplacements: REPLACEMENTS })
    .replace(OUTSIDE_SEPA_CHARACTERS, ' ')
    .replace(/ {2,}/g, ' ')
    .trim();
}

/** Whether `value` is already made only of SEPA characters (nothing to transliterate). */
export function isSepaText(value: string): boolean {
  return SEPA_CHARACTERS.test(value);
}

/**
 * What keeps `value` from being written as a SEPA text of at most `maxLength` characters, as a
 * sentence starting with `what` ("Account holder name"), or null when it can be written. Measured
 * after {@link toSepaText}: "Müller" is 6 characters, "Straße" becomes 7.
 */
export function sepaTextProblem(value: string, maxLength: number, what: string): string | null {
  const text = toSepaText(value);
  if (text === '') return `${what} has no letters SEPA can carry`;
  if (text.length > maxLength)
    return `${what} must be at most ${maxLength} characters in SEPA (after transliteration)`;
  return null;
}
