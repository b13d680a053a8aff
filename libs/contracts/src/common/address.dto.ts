import { ApiProperty } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsString, Length, Matches } from 'class-validator';

export const ADDRESS_STREET_MAX = 200;
export const ADDRESS_CITY_MAX = 100;
export const ADDRESS_POSTAL_CODE_MAX = 20;

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** A postal address (orders' shipping address, deliveries). Strings are trimmed before checks. */
export class AddressDto {
  @ApiProperty({ minLength: 1, maxLength: ADDRESS_STREET_MAX, example: 'Calle Mayor 1, 2ºB' })
  @Transform(trim)
  @IsString()
  @Length(1, ADDRESS_STREET_MAX)
  street: string;

  @ApiProperty({ minLength: 1, maxLength: ADDRESS_CITY_MAX, example: 'Madrid' })
  @Transform(trim)
  @IsString()
  @Length(1, ADDRESS_CITY_MAX)
  city: string;

  @ApiProperty({ minLength: 1, maxLength: ADDRESS_POSTAL_CODE_MAX, example: '28013' })
  @Transform(trim)
  @IsString()
  @Length(1, ADDRESS_POSTAL_CODE_MAX)
  postal_code: string;

  @ApiProperty({
    description: 'ISO 3166-1 alpha-2 country code, upper case',
    pattern: '^[A-Z]{2}$',
    example: 'ES',
  })
  @IsString()
  @Matches(/^[A-Z]{2}$/, { message: 'country must be an ISO 3166-1 alpha-2 code (e.g. ES)' })
  country: string;
}
