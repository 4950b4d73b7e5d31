// Dutch statutory extrajudicial collection costs (Besluit vergoeding voor buitengerechtelijke
// incassokosten, "WIK" staffel): a percentage per band of the principal, at least €40 and at most
// €6,775, excluding VAT. The 14-day letter must state this exact amount.

const BANDS: ReadonlyArray<{ upTo: number; permille: number }> = [
  { upTo: 250_000, permille: 150 }, // first €2,500: 15%
  { upTo: 500_000, permille: 100 }, // next €2,500: 10%
  { upTo: 1_000_000, permille: 50 }, // next €5,000: 5%
  { upTo: 20_000_000, permille: 10 }, // next €190,000: 1%
  { upTo: Number.POSITIVE_INFINITY, permille: 5 }, // the rest: 0.5%
];
const MIN_CENTS = 4_000;
const MAX_CENTS = 677_500;

function toCents(decimal: string): number {
  const [whole = '0', fraction = ''] = decimal.replace(/^-/, '').split('.');
  return Number(whole) * 100 + Number((fraction + '00').slice(0, 2));
}

/** The WIK collection costs for a principal in euro, as a decimal string with two decimals. */
export function dutchCollectionCosts(principal: string): string {
  const cents = toCents(principal);
  let costs = 0;
  let from = 0;
  for (const band of BANDS) {
    if (cents <= from) break;
    costs += ((Math.min(cents, band.upTo) - from) * band.permille) / 1000;
    from = band.upTo;
  }
  const bounded = Math.min(MAX_CENTS, Math.max(MIN_CENTS, Math.round(costs)));
  return `${Math.floor(bounded / 100)}.${String(bounded % 100).padStart(2, '0')}`;
}
