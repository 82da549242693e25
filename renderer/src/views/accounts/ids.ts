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

/**
 * The id suggested for a reissued card: the first card of the chain of replacements, then -1,
 * -2…: CRD-7 → CRD-7-1; CRD-7-1 (which replaces CRD-7) → CRD-7-2. Never an id already taken.
 */
export function nextCardId(card: { readonly cardId: string; readonly replaces: string | null }, cards: ReadonlyMap<string, { readonly replaces: string | null }>): string {
  let root = card.cardId;
  let replaces = card.replaces;
  const seen = new Set([root]);
  while (replaces && !seen.has(replaces)) {
    root = replaces;
    seen.add(root);
    replaces = cards.get(root)?.replaces ?? null;
  }
  let n = 1;
  while (cards.has(`${root}-${n}`)) n++;
  return `${root.slice(0, 60)}-${n}`;
}
