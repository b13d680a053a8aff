import { BadRequestException, ValidationError } from '@nestjs/common';
import { FieldError } from './problem';

/** A 400 that carries every failing field, built by the global ValidationPipe. */
export class ValidationFailedException extends BadRequestException {
  constructor(readonly fieldErrors: FieldError[]) {
    super('The request has invalid fields.');
  }

  static fromValidationErrors(errors: ValidationError[]): ValidationFailedException {
    return new ValidationFailedException(flatten(errors, ''));
  }
}

function flatten(errors: ValidationError[], prefix: string): FieldError[] {
  return errors.flatMap((error) => {
    const field = prefix ? `${prefix}.${error.property}` : error.property;
    // A null fails every rule of its field ("must not be less than 0" ...): say what is wrong
    // (an unknown field stays "should not exist"). The value is only compared here, never
    // copied into the problem.
    if (error.value === null && error.constraints && !error.constraints.whitelistValidation) {
      return [{ field, message: `${error.property} must not be null` }];
    }
    const own = Object.values(error.constraints ?? {}).map((message) => ({
      field,
      // class-validator prefixes nested messages with the path; keep only the leaf name there.
      message: message.replace(/^[\w.]+\.(\w+) /, '$1 '),
    }));
    return [...own, ...flatten(error.children ?? [], field)];
  });
}
