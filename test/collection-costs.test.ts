import { describe, expect, it } from 'vitest';
import { dutchCollectionCosts } from '../src/domain/collection-costs.ts';

describe('Dutch statutory collection costs (WIK)', () => {
  it.each([
    ['100.00', '40.00'], // 15% is 15.00: the minimum applies
    ['266.67', '40.00'],
    ['860.00', '129.00'], // the NL contract example: 15% of 860
    ['2500.00', '375.00'],
    ['3000.00', '425.00'], // 375 + 10% of 500
    ['7500.00', '750.00'], // 375 + 250 + 5% of 2500
    ['20000.00', '975.00'], // 375 + 250 + 250 + 1% of 10000
    ['2000000.00', '6775.00'], // the maximum
  ])('principal %s → %s', (principal, costs) => {
    expect(dutchCollectionCosts(principal)).toBe(costs);
  });
});
