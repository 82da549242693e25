/**
 * Card-number detection the way a data-loss scanner does it.
 *
 * 1. Normalise: decode percent-escapes, Unicode NFKC (fullwidth and compatibility digits become ASCII), drop invisible
 *    characters (format characters such as zero-width joiners, default-ignorable code points,
 *    combining marks), and map the digits of every script (`\p{Nd}`: Arabic-Indic, Devanagari,
 *    Thai, …) to ASCII digits by their numeric value.
 * 2. Tokenise into alphanumeric runs and separators (everything else). Digit groups are joined
 *    across any run of separators (spaces, NBSP, tabs, newlines, dots, slashes, underscores, …).
 *    Letters break a chain: a word that ends in digits ("ref4111") joins only to its right, one
 *    that starts with digits only to its left; a hex token ("9f86d081884c7d65") is a word.
 * 3. In each chain, from its start and from every group boundary in it, every window of a
 *    known issuer's prefix and lengths (13 to 19 digits) that passes Luhn is a card number,
 *    also when more digits (an expiry, a CVC) follow.
 * 4. Exempt what only looks like one: UUIDs and valid IBANs (mod 97, with the country's length)
 *    are words; no card number starts inside a phone number written with a leading + (at most
 *    15 digits, E.164), a date, a time or a decimal amount (at most 2 decimals).
 */

export function luhnValid(digits: string): boolean {
  let sum = 0;
  let double = false;
  for (let i = digits.length - 1; i >= 0; i--) {
    let d = digits.charCodeAt(i) - 48;
    if (double) {
      d *= 2;
      if (d > 9) d -= 9;
    }
    sum += d;
    double = !double;
  }
  return sum % 10 === 0;
}

// ---------------------------------------------------------------------------------------------
// Issuers: prefix ranges (compared on as many leading digits as the bounds have) and lengths.

interface Issuer {
  readonly brand: string;
  readonly ranges: readonly (readonly [string, string])[];
  readonly lengths: readonly number[];
}

const span = (from: number, to: number): number[] => Array.from({ length: to - from + 1 }, (_, i) => from + i);

/** Known issuer identification ranges and card lengths (only 13 to 19 digits are looked for). */
export const ISSUERS: readonly Issuer[] = [
  { brand: 'visa', ranges: [['4', '4']], lengths: [13, 16, 19] },
  { brand: 'mastercard', ranges: [['51', '55'], ['2221', '2720']], lengths: [16] },
  { brand: 'amex', ranges: [['34', '34'], ['37', '37']], lengths: [15] },
  { brand: 'discover', ranges: [['6011', '6011'], ['644', '649'], ['65', '65'], ['622126', '622925']], lengths: span(16, 19) },
  { brand: 'jcb', ranges: [['3528', '3589']], lengths: span(16, 19) },
  { brand: 'diners', ranges: [['300', '305'], ['3095', '3095'], ['36', '36'], ['38', '39']], lengths: span(14, 19) },
  { brand: 'unionpay', ranges: [['62', '62'], ['81', '81']], lengths: span(16, 19) },
  { brand: 'maestro', ranges: [['50', '50'], ['56', '69']], lengths: span(13, 19) },
  { brand: 'mir', ranges: [['2200', '2204']], lengths: span(16, 19) },
  { brand: 'rupay', ranges: [['60', '60'], ['65', '65'], ['81', '82'], ['508', '508'], ['353', '353'], ['356', '356']], lengths: [16] },
  { brand: 'troy', ranges: [['9792', '9792']], lengths: [16] },
];

/** For each first digit, the window lengths that some issuer starting with it uses, with the issuer test. */
const byFirstDigit: readonly (readonly { readonly issuer: Issuer; readonly test: (d: string, at: number) => boolean }[])[] = Array.from({ length: 10 }, (_, first) =>
  ISSUERS.flatMap((issuer) => {
    const ranges = issuer.ranges.filter(([lo, hi]) => lo.charCodeAt(0) - 48 <= first && hi.charCodeAt(0) - 48 >= first);
    if (ranges.length === 0) return [];
    const test = (d: string, at: number): boolean =>
      ranges.some(([lo, hi]) => {
        const p = d.slice(at, at + lo.length);
        return p.length === lo.length && p >= lo && p <= hi;
      });
    return [{ issuer, test }];
  }),
);

/** The issuer whose prefix and length the digits have, if any (whole string). */
export function issuerOf(digits: string): string | null {
  const first = digits.charCodeAt(0) - 48;
  if (first < 0 || first > 9) return null;
  for (const { issuer, test } of byFirstDigit[first]!) if (issuer.lengths.includes(digits.length) && test(digits, 0)) return issuer.brand;
  return null;
}

/** A card number starts at `at` of the digit string: a known prefix, one of its lengths fits and passes Luhn. */
function cardAt(digits: string, at: number): boolean {
  const first = digits.charCodeAt(at) - 48;
  const room = digits.length - at;
  if (room < 13) return false;
  for (const { issuer, test } of byFirstDigit[first]!) {
    if (!test(digits, at)) continue;
    for (const n of issuer.lengths) if (n <= room && luhnValid(digits.slice(at, at + n))) return true;
  }
  return false;
}

// ---------------------------------------------------------------------------------------------
// Normalisation.

const INVISIBLE = /[\p{Cf}\p{Mn}\p{Me}\p{Default_Ignorable_Code_Point}]/gu;
const ND = /\p{Nd}/u;
const digitValues = new Map<number, number>();

/** The numeric value of a decimal digit of any script: Unicode encodes each script's digits 0 to 9 in one contiguous run. */
function digitValue(cp: number): number {
  const known = digitValues.get(cp);
  if (known !== undefined) return known;
  let start = cp;
  while (start > 0 && ND.test(String.fromCodePoint(start - 1))) start--;
  const value = (cp - start) % 10;
  digitValues.set(cp, value);
  return value;
}

const isAscii = (s: string): boolean => {
  for (let i = 0; i < s.length; i++) if (s.charCodeAt(i) > 0x7f) return false;
  return true;
};

/** The text as the scanner reads it: percent-escapes decoded, NFKC, invisible characters dropped, every digit script as ASCII digits. */
export function normaliseForScan(input: string): string {
  // Percent-encoded ASCII (a pasted URL: "4111%201111…", "%34%31%31%31…") reads as what it encodes.
  const text = input.includes('%') ? input.replace(/%([0-7][0-9A-Fa-f])/g, (_, hex: string) => String.fromCharCode(parseInt(hex, 16))) : input;
  if (isAscii(text)) return text;
  const n = text.normalize('NFKC').replace(INVISIBLE, '');
  if (isAscii(n)) return n;
  let out = '';
  for (const ch of n) {
    const cp = ch.codePointAt(0)!;
    out += cp > 0x7f && ND.test(ch) ? String.fromCharCode(48 + digitValue(cp)) : ch;
  }
  return out;
}

// ---------------------------------------------------------------------------------------------
// Exemptions, found on the normalised text. A "word" span reads as letters (it breaks chains);
// a "no start" span keeps its digits in chains, but no card number starts inside it.

const WORD_BOUNDARY_BEFORE = '(?<![\\p{L}\\p{N}])';
const WORD_BOUNDARY_AFTER = '(?![\\p{L}\\p{N}])';
const UUID = new RegExp(`${WORD_BOUNDARY_BEFORE}[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}${WORD_BOUNDARY_AFTER}`, 'giu');
const DATE_TIME = new RegExp(
  [
    // 2026-04-01, 2026/04/01, 2026.04.01, a period 2026-04; with a time 2026-04-01T12:30:00Z
    `${WORD_BOUNDARY_BEFORE}(?:19|20)\\d\\d([-/.])(?:0?[1-9]|1[0-2])(?:\\1(?:0?[1-9]|[12]\\d|3[01])(?:[T ]\\d{1,2}:\\d{2}(?::\\d{2}(?:\\.\\d{1,9})?)?(?:Z|[+-]\\d{2}:?\\d{2})?)?)?${WORD_BOUNDARY_AFTER}`,
    // 01.04.2026, 1/4/2026, 04-01-2026
    `${WORD_BOUNDARY_BEFORE}(?:0?[1-9]|[12]\\d|3[01])([-/.])(?:0?[1-9]|[12]\\d|3[01])\\2(?:19|20)\\d\\d${WORD_BOUNDARY_AFTER}`,
    // 12:30, 12:30:45
    `${WORD_BOUNDARY_BEFORE}(?:[01]?\\d|2[0-3]):[0-5]\\d(?::[0-5]\\d)?${WORD_BOUNDARY_AFTER}`,
  ].join('|'),
  'gu',
);
/** 1,234.56 · 1.234,56 · 1 234,56 · 1'234.56 · 12.5 · 1234.56: a decimal amount, at most 12 integer digits and 2 decimals. */
const AMOUNT = new RegExp(`(?<![\\p{L}\\p{N}.,'])(?:\\d{1,3}(?:([,. '])\\d{3})(?:\\1\\d{3}){0,3}|\\d{1,12})[.,]\\d{1,2}(?![\\p{L}\\p{N}]|[.,'][\\p{N}])`, 'gu');

/** IBAN lengths per country (the SWIFT IBAN registry). */
const IBAN_LENGTHS: Readonly<Record<string, number>> = {
  AD: 24, AE: 23, AL: 28, AT: 20, AZ: 28, BA: 20, BE: 16, BG: 22, BH: 22, BI: 27, BR: 29, BY: 28, CH: 21, CR: 22, CY: 28, CZ: 24,
  DE: 22, DJ: 27, DK: 18, DO: 28, EE: 20, EG: 29, ES: 24, FI: 18, FK: 18, FO: 18, FR: 27, GB: 22, GE: 22, GI: 23, GL: 18, GR: 27,
  GT: 28, HN: 28, HR: 21, HU: 28, IE: 22, IL: 23, IQ: 23, IS: 26, IT: 27, JO: 30, KW: 30, KZ: 20, LB: 28, LC: 32, LI: 21, LT: 20,
  LU: 20, LV: 21, LY: 25, MC: 27, MD: 24, ME: 22, MK: 19, MN: 20, MR: 27, MT: 31, MU: 30, NI: 28, NL: 18, NO: 15, OM: 23, PK: 24,
  PL: 28, PS: 29, PT: 25, QA: 29, RO: 24, RS: 22, RU: 33, SA: 24, SC: 31, SD: 18, SE: 24, SI: 19, SK: 24, SM: 27, SO: 23, ST: 25,
  SV: 28, TL: 23, TN: 24, TR: 26, UA: 29, VA: 22, VG: 24, XK: 20, YE: 30,
};
export const IBAN_COUNTRIES = Object.freeze(Object.keys(IBAN_LENGTHS));
export const ibanLength = (country: string): number | undefined => IBAN_LENGTHS[country];

/** The ISO 13616 check: move the first four characters to the end, letters as 10..35, mod 97 is 1. */
export function ibanValid(iban: string): boolean {
  const s = iban.toUpperCase();
  if (!/^[A-Z]{2}\d{2}[A-Z0-9]+$/.test(s) || IBAN_LENGTHS[s.slice(0, 2)] !== s.length) return false;
  const r = s.slice(4) + s.slice(0, 4);
  let rest = 0;
  for (const ch of r) {
    const v = ch <= '9' ? ch.charCodeAt(0) - 48 : ch.charCodeAt(0) - 55;
    rest = v > 9 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
  }
  return rest === 1;
}

const ALNUM = /[\p{L}\p{N}]/u;
function isAlnum(c: string | undefined): boolean {
  if (c === undefined) return false;
  const code = c.charCodeAt(0);
  if (code < 128) return (code >= 48 && code <= 57) || (code >= 65 && code <= 90) || (code >= 97 && code <= 122);
  return ALNUM.test(c);
}
const isDigit = (c: string | undefined): boolean => c !== undefined && c >= '0' && c <= '9';

/** Valid IBANs in the text, written whole or in groups (single spaces or dashes between characters). */
function ibanSpans(text: string, mark: (from: number, to: number) => void): void {
  const starts = /(?<![\p{L}\p{N}])[A-Za-z]{2}\d{2}/gu;
  for (const m of text.matchAll(starts)) {
    const country = m[0].slice(0, 2).toUpperCase();
    const length = IBAN_LENGTHS[country];
    if (length === undefined) continue;
    let collected = '';
    let i = m.index;
    while (i < text.length && collected.length < length) {
      const c = text[i]!;
      if (isAlnum(c)) {
        collected += c;
        i++;
      } else if ((c === ' ' || c === '-') && collected.length >= 4 && isAlnum(text[i + 1])) i++;
      else break;
    }
    if (collected.length === length && !isAlnum(text[i]) && ibanValid(collected)) mark(m.index, i);
  }
}

/**
 * Phone numbers written with an international prefix, + or 00 (E.164: at most 15 digits after
 * it), e.g. "+44 20 7946 0958", "+1 (415) 555-2671", "0044 20 7946 0958".
 */
function phoneSpans(text: string, mark: (from: number, to: number) => void): void {
  for (const m of text.matchAll(/\+|(?<![\p{L}\p{N}])00(?=\d)/gu)) {
    const p = m.index;
    if (isAlnum(text[p - 1])) continue;
    let i = p + m[0].length;
    let digits = 0;
    let end = -1;
    for (;;) {
      let sep = 0;
      while (i + sep < text.length && ' .-/()'.includes(text[i + sep]!) && sep < 3) sep++;
      if (!isDigit(text[i + sep])) break;
      i += sep;
      while (isDigit(text[i])) {
        digits++;
        i++;
      }
      end = i;
    }
    if (end !== -1 && digits >= 7 && digits <= 15 && !isAlnum(text[end])) mark(p, end);
  }
}

// ---------------------------------------------------------------------------------------------
// The scan.

const HEX_WORD = /^(?:[0-9a-f]+|[0-9A-F]+)$/;
const digitAt = (text: string, i: number): boolean => {
  const c = text.charCodeAt(i);
  return c >= 48 && c <= 57;
};
function alnumAt(text: string, i: number): boolean {
  const c = text.charCodeAt(i);
  if (c < 128) return (c >= 48 && c <= 57) || (c >= 65 && c <= 90) || (c >= 97 && c <= 122);
  return ALNUM.test(text[i]!);
}

/**
 * Looks for a card number in the normalised text. `word` marks characters that read as letters
 * (exempt words), `noStart` those where no card number may start; without them the scan finds a
 * superset of what it finds with them, so a text with no candidate needs no exemptions at all.
 */
function scan(text: string, word: Uint8Array | null, noStart: Uint8Array | null): boolean {
  let digits = '';
  let starts: number[] = [];
  const flush = (): boolean => {
    const found = digits.length >= 13 && starts.some((s) => cardAt(digits, s));
    digits = '';
    starts = [];
    return found;
  };
  const addGroup = (from: number, to: number): void => {
    if (!noStart || !noStart[from]) starts.push(digits.length);
    digits += text.slice(from, to);
  };
  const isWord = (k: number): boolean => word !== null && word[k] === 1;
  const n = text.length;
  let i = 0;
  while (i < n) {
    if (!isWord(i) && !alnumAt(text, i)) {
      i++;
      continue;
    }
    // One alphanumeric run (a word span counts as letters).
    let j = i;
    let letters = false;
    while (j < n && (isWord(j) || alnumAt(text, j))) {
      if (isWord(j) || !digitAt(text, j)) letters = true;
      j++;
    }
    if (!letters) addGroup(i, j);
    else {
      let transitions = 0;
      for (let k = i + 1; k < j; k++) if (digitAt(text, k) !== digitAt(text, k - 1)) transitions++;
      const hexWord = transitions >= 2 && HEX_WORD.test(text.slice(i, j));
      // Digit runs inside a word: the leading one joins to the left, the trailing one to the right.
      let k = i;
      while (!hexWord && k < j) {
        if (!digitAt(text, k) || isWord(k)) {
          k++;
          continue;
        }
        let e = k;
        while (e < j && digitAt(text, e) && !isWord(e)) e++;
        if (k !== i && flush()) return true;
        addGroup(k, e);
        if (e !== j && flush()) return true;
        k = e;
      }
      if ((hexWord || !digitAt(text, j - 1) || isWord(j - 1)) && flush()) return true;
    }
    i = j;
  }
  return flush();
}

/** A quick look first: a chain never crosses a letter, so without 13 digits between two letters there is no card number. */
function thirteenDigitsBetweenLetters(text: string): boolean {
  let count = 0;
  for (let i = 0; i < text.length; i++) {
    const c = text.charCodeAt(i);
    if (c >= 48 && c <= 57) {
      if (++count >= 13) return true;
    } else if ((c | 32) >= 97 && (c | 32) <= 122) count = 0;
  }
  return false;
}

/** True when the text holds something a data-loss scanner would call a card number. */
export function containsCardNumber(input: string): boolean {
  const text = normaliseForScan(input);
  if (!thirteenDigitsBetweenLetters(text) || !scan(text, null, null)) return false;

  const word = new Uint8Array(text.length);
  const noStart = new Uint8Array(text.length);
  const markWord = (from: number, to: number): void => void word.fill(1, from, to);
  const markNoStart = (from: number, to: number): void => void noStart.fill(1, from, to);
  for (const m of text.matchAll(UUID)) markWord(m.index, m.index + m[0].length);
  ibanSpans(text, markWord);
  phoneSpans(text, markNoStart);
  for (const m of text.matchAll(DATE_TIME)) markNoStart(m.index, m.index + m[0].length);
  for (const m of text.matchAll(AMOUNT)) markNoStart(m.index, m.index + m[0].length);
  return scan(text, word, noStart);
}
