import { Param, ParseUUIDPipe } from '@nestjs/common';
import { ValidationFailedException } from '../errors/validation-failed.exception';

/** A UUID path parameter; anything else is a 400 naming the parameter. */
export function UuidParam(name: string): ParameterDecorator {
  return Param(
    name,
    new ParseUUIDPipe({
      exceptionFactory: () =>
        new ValidationFailedException([{ field: name, message: `${name} must be a UUID` }]),
    }),
  );
}
