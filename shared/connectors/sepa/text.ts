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
 * Letters and signs written otherwise in SEPA text, beyond what Unicode decomposition does (NFKD
 * turns é into e + a combining accent, which is then dropped; ä becomes a, the EPC conversion
 * table's rule (EPC217-08): the German banks' "ae/oe/ue" is only their alternative).
 *
 * - Latin letters that do not decompose: ß → ss, Æ → AE, Ø → O, Œ → OE, Ł → L, Đ → D, Þ → TH…
 * - Greek (ELOT 743) and Cyrillic (the Bulgarian official transliteration, with the letters of the
 *   other Cyrillic alphabets): Greece and Bulgaria are in SEPA.
 * - `&` becomes `+`, as the German banks' conversion table writes it ("Smith + Sons"): "and" would
 *   read wrong in every other language, and `+` is in the set. Quotation marks become the apostrophe,
 *   the only quote in the set; `_` becomes `-`; `;` a comma; `!` a full stop; `…` three full stops.
 *
 * Written here rather than with a transliteration library (`@sindresorhus/transliterate` was used
 * first): its table of every script is 34 KB minified, and every function that routes or executes
 * payouts bundles this module within a 200 KB budget. Anything not listed becomes a space.
 */
const LETTERS: Readonly<Record<string, string>> = {
  ß: 'ss',
  ẞ: 'SS',
  Æ: 'AE',
  æ: 'ae',
  Ø: 'O',
  ø: 'o',
  Œ: 'OE',
  œ: 'oe',
  Ł: 'L',
  ł: 'l',
  Đ: 'D',
  đ: 'd',
  Ð: 'D',
  ð: 'd',
  Þ: 'TH',
  þ: 'th',
  ı: 'i',
  Ħ: 'H',
  ħ: 'h',
  Ŧ: 'T',
  ŧ: 't',
  ĸ: 'k',
  Ŋ: 'N',
  ŋ: 'n',
  ſ: 's',
  // Greek
  Α: 'A',
  Β: 'V',
  Γ: 'G',
  Δ: 'D',
  Ε: 'E',
  Ζ: 'Z',
  Η: 'I',
  Θ: 'TH',
  Ι: 'I',
  Κ: 'K',
  Λ: 'L',
  Μ: 'M',
  Ν: 'N',
  Ξ: 'X',
  Ο: 'O',
  Π: 'P',
  Ρ: 'R',
  Σ: 'S',
  Τ: 'T',
  Υ: 'Y',
  Φ: 'F',
  Χ: 'CH',
  Ψ: 'PS',
  Ω: 'O',
  α: 'a',
  β: 'v',
  γ: 'g',
  δ: 'd',
  ε: 'e',
  ζ: 'z',
  η: 'i',
  θ: 'th',
  ι: 'i',
  κ: 'k',
  λ: 'l',
  μ: 'm',
  ν: 'n',
  ξ: 'x',
  ο: 'o',
  π: 'p',
  ρ: 'r',
  σ: 's',
  ς: 's',
  τ: 't',
  υ: 'y',
  φ: 'f',
  χ: 'ch',
  ψ: 'ps',
  ω: 'o',
  // Cyrillic
  А: 'A',
  Б: 'B',
  В: 'V',
  Г: 'G',
  Д: 'D',
  Е: 'E',
  Ж: 'Zh',
  З: 'Z',
  И: 'I',
  Й: 'Y',
  К: 'K',
  Л: 'L',
  М: 'M',
  Н: 'N',
  О: 'O',
  П: 'P',
  Р: 'R',
  С: 'S',
  Т: 'T',
  У: 'U',
  Ф: 'F',
  Х: 'H',
  Ц: 'Ts',
  Ч: 'Ch',
  Ш: 'Sh',
  Щ: 'Sht',
  Ъ: 'A',
  Ь: 'Y',
  Ю: 'Yu',
  Я: 'Ya',
  Ы: 'Y',
  Э: 'E',
  Є: 'Ye',
  І: 'I',
  Ї: 'Yi',
  Ґ: 'G',
  Ђ: 'Dj',
  Ј: 'J',
  Љ: 'Lj',
  Њ: 'Nj',
  Ћ: 'C',
  Џ: 'Dz',
  а: 'a',
  б: 'b',
  в: 'v',
  г: 'g',
  д: 'd',
  е: 'e',
  ж: 'zh',
  з: 'z',
  и: 'i',
  й: 'y',
  к: 'k',
  л: 'l',
  м: 'm',
  н: 'n',
  о: 'o',
  п: 'p',
  р: 'r',
  с: 's',
  т: 't',
  у: 'u',
  ф: 'f',
  х: 'h',
  ц: 'ts',
  ч: 'ch',
  ш: 'sh',
  щ: 'sht',
  ъ: 'a',
  ь: 'y',
  ю: 'yu',
  я: 'ya',
  ы: 'y',
  э: 'e',
  є: 'ye',
  і: 'i',
  ї: 'yi',
  ґ: 'g',
  ђ: 'dj',
  ј: 'j',
  љ: 'lj',
  њ: 'nj',
  ћ: 'c',
  џ: 'dz',
  // Signs
  '&': '+',
  '"': "'",
  '“': "'",
  '”': "'",
  '„': "'",
  '‘': "'",
  '’': "'",
  '‚': "'",
  '«': "'",
  '»': "'",
  '`': "'",
  _: '-',
  ';': ',',
  '!': '.',
  '…': '...',
  '⁄': '/',
};

/** Combining marks left by decomposition (accents, cedillas, rings): dropped. */
const COMBINING_MARKS = /\p{M}/gu;

/**
 * `value` in the SEPA character set: transliterated (é → e, ß → ss, Ø → O, ü → u, Δ → D, & → +),
 * every character still outside the set (emoji, CJK, `<>@#%*=`…) replaced by a space, whitespace
 * collapsed and the ends trimmed. May return '' when nothing could be carried (see
 * {@link sepaTextProblem}). Idempotent: text already in the set comes back unchanged but for spaces.
 */
export function toSepaText(value: string): string {
  let written = '';
  // Whole letters first (Й must not lose its breve and become И), then their decomposition's
  // letters (ά is α and an accent; ½ is 1⁄2).
  for (const character of value.normalize('NFC'))
    written +=
      LETTERS[character] ?? [...character.normalize('NFKD')].map((part) => LETTERS[part] ?? part).join('');
  return written
    .replace(COMBINING_MARKS, '')
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
