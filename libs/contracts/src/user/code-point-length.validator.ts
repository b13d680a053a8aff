import { ValidationOptions, registerDecorator } from 'class-validator';

/**
 * A string of `min` to `max` Unicode code points. class-validator's `Length` counts UTF-16 code
 * units, so an emoji would count twice; the user domain counts code points and so does this.
 */
export function HasCodePointLength(
  min: number,
  max: number,
  options?: ValidationOptions,
): PropertyDecorator {
  return (target: object, propertyName: string | symbol) =>
    registerDecorator({
      name: 'hasCodePointLength',
      target: target.constructor,
      propertyName: propertyName as string,
      options: {
        message: ({ property }) => `${property} must be ${min} to ${max} characters long`,
        ...options,
      },
      validator: {
        validate(value: unknown): boolean {
          if (typeof value !== 'string') return false;
          // Cheap bound first: a string longer than 2*max code units cannot be short enough.
          if (value.length > max * 2) return false;
          const length = [...value].length;
          return length >= min && length <= max;
        },
      },
    });
}
