import { Param, PipeTransform } from '@nestjs/common';
import { TRACKING_NUMBER_INPUT_MAX } from '@app/contracts';
import { ValidationFailedException } from '@app/platform';
import { TrackingNumber } from '../../domain/entities/tracking-number';

const MESSAGE = 'must be NC followed by 10 characters of 0-9 and A-Z (no I, L, O, U)';

/** Accepts what a person may type (any case, spaces or dashes, O for 0, I or L for 1). */
class TrackingNumberPipe implements PipeTransform<unknown, string> {
  constructor(private readonly name: string) {}

  transform(value: unknown): string {
    const normalized =
      typeof value === 'string' && value.length <= TRACKING_NUMBER_INPUT_MAX
        ? TrackingNumber.normalize(value)
        : null;
    if (normalized === null) {
      throw new ValidationFailedException([
        { field: this.name, message: `${this.name} ${MESSAGE}` },
      ]);
    }
    return normalized;
  }
}

/** A tracking number path parameter in its canonical form; anything else is a 400 naming it. */
export function TrackingNumberParam(name: string): ParameterDecorator {
  return Param(name, new TrackingNumberPipe(name));
}
