import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import {
  IsInt,
  IsString,
  Matches,
  Max,
  Min,
  ValidationArguments,
  ValidationOptions,
  registerDecorator,
} from 'class-validator';

export const CARD_NUMBER_MIN_DIGITS = 12;
export const CARD_NUMBER_MAX_DIGITS = 19;
export const CARD_EXP_YEAR_MIN = 2000;
export const CARD_EXP_YEAR_MAX = 2100;

/** The Luhn (mod 10) checksum every card number carries in its last digit. */
export function isLuhnValid(digits: string): boolean {
  if (!/^\d+$/.test(digits)) return false;
  let sum = 0;
  for (let i = 0; i < digits.length; i += 1) {
    let digit = Number(digits[digits.length - 1 - i]);
    if (i % 2 === 1) {
      digit *= 2;
      if (digit > 9) digit -= 9;
    }
    sum += digit;
  }
  return sum % 10 === 0;
}

// Messages never quote the value: a card number or CVC must not reach a response or a log line.
function IsCardNumber(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isCardNumber',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `number must be ${CARD_NUMBER_MIN_DIGITS} to ${CARD_NUMBER_MAX_DIGITS} digits with a valid check digit`,
        ...options,
      },
      validator: {
        validate: (value: unknown) =>
          typeof value === 'string' &&
          value.length >= CARD_NUMBER_MIN_DIGITS &&
          value.length <= CARD_NUMBER_MAX_DIGITS &&
          isLuhnValid(value),
      },
    });
}

/** The card must not have expired (valid through the last day of its expiry month, UTC). */
function IsNotExpired(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isNotExpired',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: 'the card has expired', ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const month = (args.object as { exp_month?: unknown }).exp_month;
          if (typeof value !== 'number' || typeof month !== 'number') return true;
          const now = new Date();
          const current = now.getUTCFullYear() * 12 + now.getUTCMonth() + 1;
          return value * 12 + month >= current;
        },
      },
    });
}

const digitsOnly = ({ value }: { value: unknown }) =>
  typeof value === 'string' ? value.replace(/[\s-]/g, '') : value;

/**
 * A card as the customer typed it. Only its last four digits (and brand) are ever kept: the
 * number and CVC go to the gateway and are forgotten; they are in no log line and no row.
 */
export class CardDto {
  @ApiProperty({
    description:
      'The card number, 12-19 digits (spaces and dashes are ignored), Luhn-checked. Never stored ' +
      'or logged. Simulated gateway: 4242424242424242 approves, 4000000000000002 declines ' +
      '(card_declined), 4000000000009995 declines (insufficient_funds), 4000000000000119 times ' +
      'out (pendiente, settled later).',
    example: '4242424242424242',
    minLength: CARD_NUMBER_MIN_DIGITS,
    maxLength: CARD_NUMBER_MAX_DIGITS,
  })
  @Transform(digitsOnly)
  @IsString()
  @IsCardNumber()
  number: string;

  @ApiProperty({ minimum: 1, maximum: 12, example: 12 })
  @IsInt()
  @Min(1)
  @Max(12)
  exp_month: number;

  @ApiProperty({
    description: 'Four-digit year; the card must not have expired',
    minimum: CARD_EXP_YEAR_MIN,
    maximum: CARD_EXP_YEAR_MAX,
    example: 2030,
  })
  @IsInt()
  @Min(CARD_EXP_YEAR_MIN)
  @Max(CARD_EXP_YEAR_MAX)
  @IsNotExpired()
  exp_year: number;

  @ApiProperty({
    description: '3 or 4 digits. Never stored or logged.',
    example: '123',
    pattern: '^[0-9]{3,4}$',
  })
  @IsString()
  @Matches(/^\d{3,4}$/, { message: 'cvc must be 3 or 4 digits' })
  cvc: string;
}
