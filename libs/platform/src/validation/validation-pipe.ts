import { ArgumentMetadata, ValidationPipe } from '@nestjs/common';
import { ValidationFailedException } from '../errors/validation-failed.exception';
import { memoizeValidationMetadata } from './memoized-validation-metadata';
import { findUnstorableStrings } from './unstorable-strings';

const REQUEST_INPUTS: ReadonlySet<ArgumentMetadata['type']> = new Set(['body', 'query', 'param']);

/**
 * The global pipe. Before any DTO transformation, every string of a body, query or path
 * parameter (any depth, keys included) is checked once for what PostgreSQL cannot store (NUL,
 * lone surrogates), so no endpoint and no DTO has to remember it. Then the DTO rules run.
 */
class PlatformValidationPipe extends ValidationPipe {
  override async transform(value: unknown, metadata: ArgumentMetadata): Promise<unknown> {
    if (REQUEST_INPUTS.has(metadata.type)) {
      const errors = findUnstorableStrings(value, metadata.data ?? '');
      if (errors.length > 0) throw new ValidationFailedException(errors);
    }
    return super.transform(value, metadata);
  }
}

/** Unknown fields are refused (not silently dropped) and every failing field is listed. */
export function createValidationPipe(): ValidationPipe {
  memoizeValidationMetadata();
  return new PlatformValidationPipe({
    whitelist: true,
    forbidNonWhitelisted: true,
    transform: true,
    stopAtFirstError: false,
    // the value is kept only so that a null can be reported as such; messages never quote it
    validationError: { target: false, value: true },
    exceptionFactory: (errors) => ValidationFailedException.fromValidationErrors(errors),
  });
}
