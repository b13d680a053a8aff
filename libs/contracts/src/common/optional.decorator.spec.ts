import { plainToInstance } from 'class-transformer';
import { IsString, MaxLength, validateSync } from 'class-validator';
import { IsOptionalNotNull } from './optional.decorator';

class Sample {
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(3)
  note?: string;
}

function messages(plain: object): string[] {
  return validateSync(plainToInstance(Sample, plain)).flatMap((e) =>
    Object.values(e.constraints ?? {}),
  );
}

describe('IsOptionalNotNull', () => {
  it('lets the field be left out', () => {
    expect(messages({})).toEqual([]);
    expect(messages({ note: undefined })).toEqual([]);
  });

  it('validates a present value as usual', () => {
    expect(messages({ note: 'abc' })).toEqual([]);
    expect(messages({ note: 'abcd' })).toEqual([
      'note must be shorter than or equal to 3 characters',
    ]);
  });

  it('refuses null, saying so', () => {
    expect(messages({ note: null })).toContain('note must not be null');
  });
});
