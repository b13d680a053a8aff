import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Max, Min } from 'class-validator';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import { IsOptionalNotNull } from '../common/optional.decorator';
import { PageQueryDto } from '../common/pagination.dto';
import { QueryDecimal } from '../common/query-number.transform';
import { PRODUCT_CATEGORY_MAX, PRODUCT_SEARCH_MAX } from './product-limits';

/** Query of `GET /products`: filters are combined with AND; order is (created_at, id). */
export class ListProductsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Exact category',
    maxLength: PRODUCT_CATEGORY_MAX,
    example: 'electronics',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, PRODUCT_CATEGORY_MAX)
  category?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the name',
    maxLength: PRODUCT_SEARCH_MAX,
    example: 'keyboard',
  })
  @IsOptionalNotNull()
  @IsString()
  @Length(1, PRODUCT_SEARCH_MAX)
  q?: string;

  @ApiPropertyOptional({
    description: 'Lowest price, inclusive (decimal notation, at most 2 decimals)',
    minimum: 0,
    maximum: MONEY_MAX,
    example: 10,
  })
  @IsOptionalNotNull()
  @QueryDecimal()
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  min_price?: number;

  @ApiPropertyOptional({
    description: 'Highest price, inclusive (decimal notation, at most 2 decimals)',
    minimum: 0,
    maximum: MONEY_MAX,
    example: 100,
  })
  @IsOptionalNotNull()
  @QueryDecimal()
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  max_price?: number;
}
