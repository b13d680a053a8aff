import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsString, Length, Max, Min } from 'class-validator';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import { IsOptionalNotNull } from '../common/optional.decorator';
import { PageQueryDto } from '../common/pagination.dto';
import { QueryDecimal } from '../common/query-number.transform';
import { IsProductCursor, PRODUCT_CURSOR_MAX } from './product-cursor';
import { PRODUCT_CATEGORY_MAX, PRODUCT_SEARCH_MAX } from './product-limits';

/**
 * Query of `GET /products`: filters are combined with AND; order is (created_at, id). Pages by
 * `offset` (with the total) or, from any page's `next_cursor`, by `cursor` (keyset: as fast on
 * the millionth product as on the first; no total).
 */
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

  @ApiPropertyOptional({
    description:
      'Keyset paging: the `next_cursor` of the previous page (send the same filters). Not ' +
      'together with `offset`; the page has no `total`. Any other value is 400.',
    maxLength: PRODUCT_CURSOR_MAX,
    example:
      'MjAyNS0wMS0xNVQxMDozMDowMC4xMjM0NTZafDNmMGU4YTUyLTVjMWUtNGQ3ZS05YTU1LTJiMGY0ZjNiNmMxMQ',
  })
  @IsOptionalNotNull()
  @IsString()
  @IsProductCursor()
  cursor?: string;
}
