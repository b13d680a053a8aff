import { IsDefined, ValidateIf, ValidationOptions } from 'class-validator';

/**
 * The field may be left out, but `null` is refused (400 naming it). class-validator's
 * `@IsOptional()` skips `null` as well as `undefined`, which lets a `null` reach the use case
 * and the database; use this for every optional body field where `null` means nothing. Where
 * `null` does mean something, keep `@IsOptional()` and say why next to it.
 * `PartialType(X, { skipNullProperties: false })` gives a PATCH body the same rule.
 */
export function IsOptionalNotNull(options?: ValidationOptions): PropertyDecorator {
  const onlyWhenPresent = ValidateIf(
    (_object: object, value: unknown) => value !== undefined,
    options,
  );
  const notNull = IsDefined({ message: '$property must not be null', ...options });
  return (target: object, propertyKey: string | symbol) => {
    onlyWhenPresent(target, propertyKey);
    notNull(target, propertyKey);
  };
}
