// Money as an integer number of cents: no float ever enters a sum.
export class Money {
  private constructor(readonly cents: number) {}

  static ofCents(cents: number): Money {
    if (!Number.isSafeInteger(cents)) throw new RangeError(`cents must be an integer: ${cents}`);
    return new Money(cents);
  }

  /** From a wire/DB decimal (number or numeric string) with at most two decimals. */
  static fromDecimal(value: number | string): Money {
    const text = typeof value === 'number' ? value.toFixed(2) : value.trim();
    const match = /^(-)?(\d+)(?:\.(\d{1,2}))?$/.exec(text);
    if (!match) throw new RangeError(`not a money amount with at most 2 decimals: ${value}`);
    const [, sign, whole, frac = ''] = match;
    const cents = Number(whole) * 100 + Number(frac.padEnd(2, '0'));
    return Money.ofCents(sign ? -cents : cents);
  }

  static zero(): Money {
    return new Money(0);
  }

  add(other: Money): Money {
    return Money.ofCents(this.cents + other.cents);
  }

  multiply(quantity: number): Money {
    if (!Number.isSafeInteger(quantity))
      throw new RangeError(`quantity must be an integer: ${quantity}`);
    return Money.ofCents(this.cents * quantity);
  }

  isNegative(): boolean {
    return this.cents < 0;
  }

  equals(other: Money): boolean {
    return this.cents === other.cents;
  }

  /** The 2-decimal string PostgreSQL `numeric(12,2)` takes. */
  toDecimalString(): string {
    const abs = Math.abs(this.cents);
    const text = `${Math.floor(abs / 100)}.${String(abs % 100).padStart(2, '0')}`;
    return this.cents < 0 ? `-${text}` : text;
  }

  /** The JSON number on the wire (exact for any 2-decimal amount below 2^53 cents). */
  toNumber(): number {
    return Number(this.toDecimalString());
  }
}
