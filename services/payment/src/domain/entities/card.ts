/** What a payment keeps of a card: never the number or the CVC. */
export interface CardSummary {
  last4: string;
  brand: CardBrand;
}

export type CardBrand = 'visa' | 'mastercard' | 'amex' | 'discover' | 'unknown';

/** The brand from the number's issuer prefix (IIN ranges of the four common networks). */
export function brandOf(number: string): CardBrand {
  if (/^4/.test(number)) return 'visa';
  if (/^(5[1-5]|2(2[2-9]|[3-6]\d|7[01]|720))/.test(number)) return 'mastercard';
  if (/^3[47]/.test(number)) return 'amex';
  if (/^(6011|65|64[4-9])/.test(number)) return 'discover';
  return 'unknown';
}

/** The summary of a full card number; the number itself goes no further than this call. */
export function summarizeCard(number: string): CardSummary {
  const digits = number.replace(/\D/g, '');
  return { last4: digits.slice(-4), brand: brandOf(digits) };
}
