import { ValidationArguments, ValidationOptions, registerDecorator } from 'class-validator';

/** The variable must not exceed another numeric variable of the same class (e.g. two timeouts). */
export function IsAtMost(other: string, options?: ValidationOptions): PropertyDecorator {
  return (target, propertyName) =>
    registerDecorator({
      name: 'isAtMost',
      target: target.constructor,
      propertyName: propertyName as string,
      constraints: [other],
      options: { message: `$property must be at most ${other}`, ...options },
      validator: {
        validate: (value: unknown, args: ValidationArguments) => {
          const bound = (args.object as Record<string, unknown>)[other];
          return typeof value !== 'number' || typeof bound !== 'number' || value <= bound;
        },
      },
    });
}
