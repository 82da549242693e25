/** Business ids the forms suggest: readable, unique enough, and valid entity ids (letters, digits, dashes). */
const ALPHABET = '0123456789ABCDEFGHJKMNPQRSTVWXYZ';

function randomPart(n: number): string {
  const bytes = crypto.getRandomValues(new Uint8Array(n));
  return Array.from(bytes, (b) => ALPHABET[b % ALPHABET.length]).join('');
}

/** "DEP-20260612-7F3K2Q": the kind, today's date (UTC) and six random characters. */
export function newBusinessId(prefix: 'DEP' | 'TRF' | 'CHG'): string {
  const day = new Date().toISOString().slice(0, 10).replace(/-/g, '');
  return `${prefix}-${day}-${randomPart(6)}`;
}

/** The id suggested for a reissued card: CRD-1 → CRD-1-1, CRD-1-1 → CRD-1-2. */
export function nextCardId(cardId: string, taken: ReadonlySet<string>): string {
  const m = /^(.*)-(\d{1,3})$/.exec(cardId);
  const base = m && m[1] && m[1].includes('-') ? m[1] : cardId;
  let n = m && base !== cardId ? Number(m[2]) + 1 : 1;
  while (taken.has(`${base}-${n}`)) n++;
  return `${base}-${n}`.slice(0, 64);
}
