import { Transform } from 'class-transformer';

// Query values arrive as strings. `Number()` reads '1e20', '0x10', ' 1', '1_0'... and '' as 0,
// so a query number is converted only when it is plain decimal notation; anything else stays a
// string and the field's @IsInt / @IsMoneyAmount reports it (400 naming the field).
const DECIMAL_INTEGER = /^-?\d+$/;
const DECIMAL_NUMBER = /^-?\d+(\.\d+)?$/;

function parseWhen(pattern: RegExp) {
  return ({ value }: { value: unknown }): unknown =>
    typeof value === 'string' && pattern.test(value) ? Number(value) : value;
}

/** A query integer: optional `-` and decimal digits only (no exponent, hex, sign `+`, spaces). */
export function QueryInteger(): PropertyDecorator {
  return Transform(parseWhen(DECIMAL_INTEGER));
}

/** A query decimal: digits with an optional `.` and fraction (no exponent, hex, spaces). */
export function QueryDecimal(): PropertyDecorator {
  return Transform(parseWhen(DECIMAL_NUMBER));
}
