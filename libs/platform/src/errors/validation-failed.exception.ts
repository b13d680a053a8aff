import { BadRequestException, ValidationError } from '@nestjs/common';
import { FieldError } from './problem';

/** A 400 that carries every failing field, built by the global ValidationPipe. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request has invalid fields.');
  }

  static fromValidationErrors(errors: ValidationError[]): ValidationFailedException {
    return new ValidationFailedException(flatten(errors, '').slice(0, FIELD_ERRORS_MAX));
  }
}

/** At most this many field errors in one problem: a body of 10,000 unknown keys is one 400. */
export const FIELD_ERRORS_MAX = 50;
/** Longer property names (unknown keys a client made up) are cut: a problem never echoes them whole. */
export const FIELD_NAME_SHOWN_MAX = 40;

function shown(property: string): string {
  return property.length > FIELD_NAME_SHOWN_MAX
    ? `${property.slice(0, FIELD_NAME_SHOWN_MAX)}…`
    : property;
}

function flatten(errors: ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const name = shown(error.property);
    const field = prefix ? `${prefix}.${name}` : name;
    // A null fails every rule of its field ("must not be less than 0" ...): say what is wrong
    // (an unknown field stays "should not exist"). The value is only compared here, never
    // copied into the problem.
    if (error.value === null && error.constraints && !error.constraints.whitelistValidation) {
      return [{ field, message: `${name} must not be null` }];
    }
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator prefixes nested messages with the path; keep only the leaf name there.
      message: message
        .split(error.property)
        .join(name)
        .replace(/^[\w.]+\.(\w+) /, '$1 '),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
