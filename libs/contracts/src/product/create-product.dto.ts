import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsInt, IsString, Length, Max, MaxLength, Min } from 'class-validator';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import {
  PRODUCT_CATEGORY_MAX,
  PRODUCT_DESCRIPTION_MAX,
  PRODUCT_NAME_MAX,
  PRODUCT_STOCK_MAX,
} from './product-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** Body of `POST /products`. `id`, `created_at` and `updated_at` are server-owned: sending them is 400. */
export class CreateProductDto {
  @ApiProperty({
    description: 'Display name (trimmed)',
    minLength: 1,
    maxLength: PRODUCT_NAME_MAX,
    example: 'Mechanical keyboard',
  })
  @Transform(trim)
  @IsString()
  @Length(1, PRODUCT_NAME_MAX)
  name: string;

  // No property initializer on purpose: PartialType copies initializers, and a PATCH must not
  // reset the description. The use case defaults it to ''.
  @ApiPropertyOptional({
    description: 'Long description',
    maxLength: PRODUCT_DESCRIPTION_MAX,
    default: '',
    example: 'Tenkeyless, hot-swappable switches, USB-C.',
  })
  @IsOptionalNotNull()
  @IsString()
  @MaxLength(PRODUCT_DESCRIPTION_MAX)
  description?: string;

  @ApiProperty({
    description: 'Unit price, at most 2 decimals',
    minimum: 0,
    maximum: MONEY_MAX,
    example: 89.99,
  })
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  price: number;

  @ApiProperty({
    description: 'Units left to sell',
    minimum: 0,
    maximum: PRODUCT_STOCK_MAX,
    example: 25,
  })
  @IsInt()
  @Min(0)
  @Max(PRODUCT_STOCK_MAX)
  stock_quantity: number;

  @ApiProperty({
    description: 'Category (exact-match filter)',
    minLength: 1,
    maxLength: PRODUCT_CATEGORY_MAX,
    example: 'electronics',
  })
  @Transform(trim)
  @IsString()
  @Length(1, PRODUCT_CATEGORY_MAX)
  category: string;
}
