// Text folding shared by keywords and intents. Debtors type on phones in four languages, often
// without the diacritics, so every comparison happens on a folded form: lower case, diacritics
// removed (ą→a, ä→a, è→e), letters the Unicode decomposition leaves alone mapped by hand (ł, ß).

export const INTENT_LANGUAGES = ['pl', 'fi', 'it', 'nl'] as const;
export type IntentLanguage = (typeof INTENT_LANGUAGES)[number];

const UNDECOMPOSED: Record<string, string> = { ł: 'l', ß: 'ss', ø: 'o', æ: 'ae', œ: 'oe', đ: 'd', ı: 'i' };

/** Lower case, diacritics folded, whitespace collapsed; punctuation and digits kept. */
export function fold(text: string): string {
  return text
    .normalize('NFKC')
    .toLowerCase()
    .normalize('NFD')
    .replace(/\p{M}+/gu, '')
    .replace(/[łßøæœđı]/g, (c) => UNDECOMPOSED[c] ?? c)
    .replace(/\s+/g, ' ')
    .trim();
}

/** The folded text as words: letters and digits only, single spaces, nothing else. */
export function words(text: string): string {
  return fold(text)
    .replace(/[^\p{L}\p{N}]+/gu, ' ')
    .trim();
}
