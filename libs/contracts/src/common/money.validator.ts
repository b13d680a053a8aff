import { ValidationOptions, registerDecorator } from 'class-validator';

/** Largest amount a `numeric(12,2)` column holds. */
export const MONEY_MAX = 99_999_999.99;

/**
 * A finite JSON number with at most two decimals. class-validator's `maxDecimalPlaces` reads
 * `String(value)`, which lets `1e-7` through as "no decimals"; checking the cents instead does not.
 */
export function IsMoneyAmount(options?: ValidationOptions): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'isMoneyAmount',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) => `${property} must be a number with at most 2 decimal places`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'number' || !Number.isFinite(value)) return false;
          const cents = value * 100;
          return Math.abs(cents - Math.round(cents)) < 1e-6;
        },
      },
    });
}
