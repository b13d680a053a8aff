import { Money } from './money';

describe('Money', () => {
  it('sums in cents without float drift: 3 x 19.99 + 5.50 = 65.47', () => {
    const total = Money.fromDecimal(19.99).multiply(3).add(Money.fromDecimal('5.50'));
    expect(total.cents).toBe(6547);
    expect(total.toNumber()).toBe(65.47);
    expect(total.toDecimalString()).toBe('65.47');
  });

  it('parses numeric strings from PostgreSQL and integers', () => {
    expect(Money.fromDecimal('0.10').cents).toBe(10);
    expect(Money.fromDecimal(7).cents).toBe(700);
    expect(Money.fromDecimal('-1.5').cents).toBe(-150);
  });

  it('refuses more than two decimals and non-numbers', () => {
    expect(() => Money.fromDecimal('1.234')).toThrow(RangeError);
    expect(() => Money.fromDecimal('abc')).toThrow(RangeError);
    expect(() => Money.ofCents(1.5)).toThrow(RangeError);
  });
});
