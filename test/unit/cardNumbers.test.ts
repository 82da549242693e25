/**
 * The card-number detector, both ways, on generated cases (a seeded PRNG, so a failure repeats):
 * valid card numbers of every brand, written every way people and pasted text write them, are
 * found; a million random UUIDs, valid IBANs, phone numbers, dates and amounts are not.
 */
import { describe, expect, it } from 'vitest';
import { IBAN_COUNTRIES, ibanLength, ibanValid, issuerOf } from '../../domain/shared/cardNumbers.js';
import { containsCardNumber, freeText, idString, luhnValid, oneLine } from '../../domain/shared/text.js';

/** mulberry32: small, fast and seeded. */
function prng(seed: number): () => number {
  let s = seed >>> 0;
  return () => {
    s = (s + 0x6d2b79f5) >>> 0;
    let t = s;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return (t ^ (t >>> 14)) >>> 0;
  };
}
const pick = <T,>(rnd: () => number, xs: readonly T[]): T => xs[rnd() % xs.length]!;
const digitsOf = (rnd: () => number, n: number): string => Array.from({ length: n }, () => String(rnd() % 10)).join('');
const between = (rnd: () => number, lo: number, hi: number): number => lo + (rnd() % (hi - lo + 1));

function luhnComplete(body: string): string {
  for (let d = 0; d <= 9; d++) if (luhnValid(body + d)) return body + d;
  throw new Error('unreachable');
}

/** Brands with a prefix range and the lengths issued, as card schemes publish them. */
const BRANDS: readonly { brand: string; prefixes: readonly [number, number][]; lengths: readonly number[] }[] = [
  { brand: 'visa', prefixes: [[4, 4]], lengths: [13, 16, 19] },
  { brand: 'mastercard', prefixes: [[51, 55], [2221, 2720]], lengths: [16] },
  { brand: 'amex', prefixes: [[34, 34], [37, 37]], lengths: [15] },
  { brand: 'discover', prefixes: [[6011, 6011], [644, 649], [65, 65]], lengths: [16, 17, 18, 19] },
  { brand: 'jcb', prefixes: [[3528, 3589]], lengths: [16, 17, 18, 19] },
  { brand: 'diners', prefixes: [[300, 305], [36, 36], [38, 39]], lengths: [14, 15, 16, 19] },
  { brand: 'unionpay', prefixes: [[62, 62]], lengths: [16, 17, 18, 19] },
  { brand: 'maestro', prefixes: [[50, 50], [56, 69]], lengths: [13, 15, 16, 19] },
  { brand: 'mir', prefixes: [[2200, 2204]], lengths: [16] },
];

function pan(rnd: () => number, b: (typeof BRANDS)[number]): string {
  const [lo, hi] = pick(rnd, b.prefixes);
  const prefix = String(between(rnd, lo, hi));
  const length = pick(rnd, b.lengths);
  return luhnComplete(prefix + digitsOf(rnd, length - prefix.length - 1));
}

/** The first code point (the zero) of every script's decimal digits: all of Unicode's `\p{Nd}`. */
const DIGIT_ZEROS: readonly number[] = (() => {
  const nd = /\p{Nd}/u;
  const zeros: number[] = [];
  let runStart = -1;
  for (let cp = 0; cp <= 0x10ffff; cp++) {
    if (cp >= 0xd800 && cp <= 0xdfff) continue;
    if (!nd.test(String.fromCodePoint(cp))) {
      runStart = -1;
      continue;
    }
    if (runStart === -1) runStart = cp;
    if ((cp - runStart) % 10 === 0) zeros.push(cp);
  }
  return zeros;
})();

const inScript = (digits: string, zero: number): string => [...digits].map((d) => (d >= '0' && d <= '9' ? String.fromCodePoint(zero + Number(d)) : d)).join('');
const FULLWIDTH = 0xff10;
const ARABIC_INDIC = 0x0660;
const DEVANAGARI = 0x0966;

const groupsOf = (digits: string, sizes: readonly number[]): string[] => {
  const out: string[] = [];
  let at = 0;
  for (const n of sizes) {
    if (at >= digits.length) break;
    out.push(digits.slice(at, at + n));
    at += n;
  }
  if (at < digits.length) out.push(digits.slice(at));
  return out;
};
const by4 = (digits: string): string[] => groupsOf(digits, [4, 4, 4, 4, 4]);
const SEPARATORS = [' ', '-', '.', '/', '_', '  ', '   ', '\u00a0', '\t', '\n', '\r\n', ' - ', ', ', '\u202f', '\u2007', '\u3000', '\u2013', '*', ':'];
const SUPERSCRIPTS = ['\u2070', '\u00b9', '\u00b2', '\u00b3', '\u2074', '\u2075', '\u2076', '\u2077', '\u2078', '\u2079'];
const INVISIBLES = ['\u200b', '\u200c', '\u200d', '\u2060', '\ufeff', '\u00ad', '\u180e', '\u034f'];

/** Every way one card number gets written (or pasted) that must still be found. */
function renderings(rnd: () => number, digits: string): string[] {
  const groups = digits.length === 15 ? groupsOf(digits, [4, 6, 5]) : by4(digits);
  const sep = (): string => pick(rnd, SEPARATORS);
  const out = [
    digits,
    `card ${digits} lost`,
    ...SEPARATORS.map((s) => groups.join(s)),
    groups.map((g, i) => (i ? sep() : '') + g).join(''),
    inScript(digits, FULLWIDTH),
    inScript(groups.join('\u3000'), FULLWIDTH),
    inScript(groups.join('\uff0d'), FULLWIDTH),
    inScript(digits, ARABIC_INDIC),
    inScript(digits, DEVANAGARI),
    groups.map((g) => inScript(g, DEVANAGARI)).join('\u00a0'),
    inScript(digits, pick(rnd, DIGIT_ZEROS)),
    [...digits].join(pick(rnd, INVISIBLES)),
    groups.join(`${pick(rnd, INVISIBLES)} `),
    `${groups.join(' ')} 12/29 123`,
    `${groups.join('.')} exp 12/29 cvc 123`,
    `${digits}1229123`,
    `${digits} 1229 123`,
    `${groups.join('-')}\n12/29\n123`,
    `ref${digits}`,
    `${digits}abc`,
    `tok_${groups.join('_')}`,
    `read out 12 times: ${groups.join(' ')}`,
    `2026-04-01 ${groups.join(' ')}`,
    `${groups.join(' ')}.00`,
    `+${groups.join(' ')} 12/29 123`,
    `mailto:${groups.join('.')}@example.com`,
    `https://pay.example.com/${groups.join('/')}/`,
    `https://pay.example.com/?pan=${groups.join('%20')}&exp=12%2F29`,
    [...digits].map((d) => `%3${d}`).join(''),
    [...digits].map((d) => SUPERSCRIPTS[Number(d)]).join(''),
    [...digits].map((d) => (d === '0' ? '\u24ea' : String.fromCodePoint(0x245f + Number(d)))).join(''),
  ];
  return out;
}

describe('card numbers are found however they are written', () => {
  it('every Unicode digit script maps to ASCII digits', () => {
    expect(DIGIT_ZEROS.length).toBeGreaterThan(60);
    const rnd = prng(7);
    for (const zero of DIGIT_ZEROS) {
      const digits = pan(rnd, BRANDS[0]!);
      expect(containsCardNumber(inScript(digits, zero)), `digits from U+${zero.toString(16)}`).toBe(true);
    }
  });

  it('finds generated card numbers of every brand in every rendering, also with an expiry or CVC after them', () => {
    const rnd = prng(20261216);
    let checked = 0;
    for (const b of BRANDS) {
      for (let n = 0; n < 60; n++) {
        const digits = pan(rnd, b);
        expect(issuerOf(digits), digits).not.toBeNull();
        for (const text of renderings(rnd, digits)) {
          checked++;
          if (!containsCardNumber(text)) expect.fail(`${b.brand} ${digits} not found in ${JSON.stringify(text)}`);
        }
      }
    }
    expect(checked).toBeGreaterThan(10_000);
  });

  it('every string schema refuses them, without repeating the number', () => {
    const rnd = prng(99);
    for (const b of BRANDS) {
      const digits = pan(rnd, b);
      const dotted = by4(digits).join('.');
      for (const [schema, value] of [
        [freeText(500), `the customer read out ${by4(digits).join('\u00a0')} on the phone`],
        [oneLine(120), inScript(digits, ARABIC_INDIC)],
        [idString('account'), `acc-${dotted}`],
      ] as const) {
        const r = schema.safeParse(value);
        expect(r.success, value).toBe(false);
        const text = JSON.stringify(r.error?.issues.map((i) => i.message));
        expect(text).toMatch(/card number/);
        expect(containsCardNumber(text)).toBe(false);
      }
    }
  });

  it('does not take a number that fails Luhn, or has no known issuer prefix', () => {
    const rnd = prng(5);
    for (let n = 0; n < 2000; n++) {
      const good = pan(rnd, pick(rnd, BRANDS));
      const last = Number(good.at(-1));
      const bad = good.slice(0, -1) + String((last + 1 + (rnd() % 9)) % 10);
      expect(luhnValid(bad)).toBe(false);
      // Written whole it is not a card number, unless a shorter issuer length at its start passes.
      const shorter = [13, 14, 15, 16, 17, 18].filter((k) => k < bad.length && issuerOf(bad.slice(0, k)) && luhnValid(bad.slice(0, k)));
      if (containsCardNumber(`ticket ${bad}`) !== shorter.length > 0) expect.fail(`${bad}: ${shorter.length ? 'a shorter prefix is a card number' : 'not a card number'}`);
    }
    expect(containsCardNumber(`ref ${luhnComplete('1' + digitsOf(rnd, 14))}`)).toBe(false);
    expect(containsCardNumber(`ref ${luhnComplete('7' + digitsOf(rnd, 15))}`)).toBe(false);
  });
});

describe('no false refusals', () => {
  it('a million random UUIDs', () => {
    const rnd = prng(16);
    const hex: string[] = Array.from({ length: 256 }, (_, i) => i.toString(16).padStart(2, '0'));
    let refused = 0;
    const examples: string[] = [];
    for (let n = 0; n < 1_000_000; n++) {
      const a = rnd();
      const b = rnd();
      const c = rnd();
      const d = rnd();
      const u =
        hex[a & 255]! + hex[(a >>> 8) & 255]! + hex[(a >>> 16) & 255]! + hex[a >>> 24]! + '-' +
        hex[b & 255]! + hex[(b >>> 8) & 255]! + '-' + hex[((b >>> 16) & 15) | 64]! + hex[b >>> 24]! + '-' +
        hex[(c & 63) | 128]! + hex[(c >>> 8) & 255]! + '-' + hex[(c >>> 16) & 255]! + hex[c >>> 24]! +
        hex[d & 255]! + hex[(d >>> 8) & 255]! + hex[(d >>> 16) & 255]! + hex[d >>> 24]!;
      // As the app uses them: command ids, event ids (`<command id>:<n>`), and the screens' short ids.
      const forms = [u, u.toUpperCase(), `${u}:0`, `{${u}}`, `pay-${u.slice(0, 13)}`, `run-2026-04-${u.slice(0, 8)}`];
      const text = forms[n % forms.length]!;
      if (containsCardNumber(text)) {
        refused++;
        if (examples.length < 5) examples.push(text);
      }
    }
    expect(examples).toEqual([]);
    expect(refused).toBe(0);
  }, 60_000);

  it('valid IBANs of every country, compact, in groups of four and lower-case', () => {
    const rnd = prng(97);
    const alnum = '0123456789ABCDEFGHIJKLMNOPQRSTUVWXYZ';
    const wrong: string[] = [];
    const invalid: string[] = [];
    for (let n = 0; n < 200_000; n++) {
      const country = IBAN_COUNTRIES[n % IBAN_COUNTRIES.length]!;
      const length = ibanLength(country)!;
      // Mostly digits (the hard case: the BBAN joins into one long number), sometimes a bank code in letters.
      const bban = Array.from({ length: length - 4 }, (_, i) => (n % 3 === 0 && i < 4 ? alnum[10 + (rnd() % 26)] : alnum[rnd() % 10])).join('');
      // ISO 13616: the check digits are 98 minus (BBAN, country, "00" as numbers) mod 97.
      let rest = 0;
      for (const ch of `${bban}${country}00`) {
        const v = parseInt(ch, 36);
        rest = v > 9 ? (rest * 100 + v) % 97 : (rest * 10 + v) % 97;
      }
      const check = 98 - rest;
      const iban = `${country}${String(check).padStart(2, '0')}${bban}`;
      if (!ibanValid(iban)) invalid.push(iban);
      const grouped = iban.match(/.{1,4}/g)!.join(' ');
      const text = n % 4 === 0 ? iban : n % 4 === 1 ? grouped : n % 4 === 2 ? `IBAN: ${grouped.toLowerCase()}` : `${grouped} (BIC DEUTDEFF)`;
      if (containsCardNumber(text) && wrong.length < 5) wrong.push(text);
    }
    expect(invalid).toEqual([]);
    expect(wrong).toEqual([]);
  }, 60_000);

  it('phone numbers: E.164 with a leading +, and national and 00 forms', () => {
    const rnd = prng(164);
    const wrong: string[] = [];
    for (let n = 0; n < 200_000; n++) {
      const total = between(rnd, 8, 15);
      const cc = String(between(rnd, 1, 999));
      const national = digitsOf(rnd, total - cc.length);
      const g = groupsOf(national, [between(rnd, 2, 4), 3, 4, 4]);
      const sep = pick(rnd, [' ', '-', '.', ' ']);
      const forms = [
        `+${cc}${national}`,
        `+${cc} ${g.join(sep)}`,
        `+${cc} (${g[0]}) ${g.slice(1).join('-')}`,
        `call +${cc}-${g.join('-')} or +${cc}.${g.join('.')}`,
        `0${g.join(' ')}`,
        `00${cc} ${g.join(' ')}`,
        `tel: +${cc} ${g.join(sep)}, ext. ${digitsOf(rnd, 3)}`,
      ];
      const text = forms[n % forms.length]!;
      if (containsCardNumber(text) && wrong.length < 5) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  }, 60_000);

  it('dates, times, periods and decimal amounts', () => {
    const rnd = prng(2026);
    const wrong: string[] = [];
    const two = (k: number): string => String(k).padStart(2, '0');
    for (let n = 0; n < 50_000; n++) {
      const y = between(rnd, 1990, 2099);
      const m = two(between(rnd, 1, 12));
      const d = two(between(rnd, 1, 28));
      const amount = (): string => {
        const major = between(rnd, 0, 9_999_999);
        const grouped = String(major).replace(/\B(?=(\d{3})+(?!\d))/g, n % 2 ? ',' : '.');
        return n % 2 ? `${grouped}.${two(rnd() % 100)}` : `${grouped},${two(rnd() % 100)}`;
      };
      const forms = [
        `${y}-${m}-${d} ${y}-${m}-${d}T${two(rnd() % 24)}:${two(rnd() % 60)}:${two(rnd() % 60)}Z`,
        `${d}.${m}.${y} ${two(rnd() % 24)}:${two(rnd() % 60)} ${d}/${m}/${y}`,
        `periods ${y}-${m}, ${y}-${two(between(rnd, 1, 12))} and ${y + 1}-${m}`,
        `paid ${amount()} ${amount()} ${amount()} on ${y}-${m}-${d}`,
        `${amount()}; ${amount()}; ${amount()}; ${amount()}`,
      ];
      const text = forms[n % forms.length]!;
      if (containsCardNumber(text) && wrong.length < 5) wrong.push(text);
    }
    expect(wrong).toEqual([]);
  });

  it('hex digests, ids and ordinary text', () => {
    const rnd = prng(256);
    const wrong: string[] = [];
    for (let n = 0; n < 20_000; n++) {
      const digest = Array.from({ length: 64 }, () => '0123456789abcdef'[rnd() % 16]).join('');
      for (const text of [digest, `sha256:${digest}`, `acc-${between(rnd, 1, 999_999)}`, `posting:acc-${n}:dep-${n}`, `plan-p${n}-c2-2026-04`]) {
        if (containsCardNumber(text) && wrong.length < 5) wrong.push(text);
      }
    }
    expect(wrong).toEqual([]);
    expect(containsCardNumber('phone +44 20 7946 0958, order 12345')).toBe(false);
    expect(containsCardNumber('ref 12345678901234567890123')).toBe(false);
  });
});
