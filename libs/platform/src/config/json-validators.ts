import { ValidationOptions, registerDecorator } from 'class-validator';

function parse(value: unknown): unknown {
  if (typeof value !== 'string') return undefined;
  try {
    return JSON.parse(value);
  } catch {
    return undefined;
  }
}

export function IsJsonArrayOfStrings(options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isJsonArrayOfStrings',
      target: target.constructor,
      propertyName: propertyName as string,
      options: { message: `$property must be a JSON array of strings`, ...options },
      validator: {
        validate: (value: unknown) => {
          const parsed = parse(value);
          return Array.isArray(parsed) && parsed.every((v) => typeof v === 'string');
        },
      },
    });
}

export function IsJsonObjectOfStrings(
  rule: { minValueLength: number },
  options?: ValidationOptions,
): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isJsonObjectOfStrings',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: `$property must be a JSON object of strings, each at least ${rule.minValueLength} characters`,
        ...options,
      },
      validator: {
        validate: (value: unknown) => {
          const parsed = parse(value);
          return (
            typeof parsed === 'object' &&
            parsed !== null &&
            !Array.isArray(parsed) &&
            Object.values(parsed).every(
              (v) => typeof v === 'string' && v.length >= rule.minValueLength,
            )
          );
        },
      },
    });
}
