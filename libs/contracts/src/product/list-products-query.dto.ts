import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsOptional, IsString, Length, Max, Min } from 'class-validator';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import { PageQueryDto } from '../common/pagination.dto';
import { PRODUCT_CATEGORY_MAX, PRODUCT_SEARCH_MAX } from './product-limits';

/** Query of `GET /products`: filters are combined with AND; order is (created_at, id). */
export class ListProductsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({
    description: 'Exact category',
    maxLength: PRODUCT_CATEGORY_MAX,
    example: 'electronics',
  })
  @IsOptional()
  @IsString()
  @Length(1, PRODUCT_CATEGORY_MAX)
  category?: string;

  @ApiPropertyOptional({
    description: 'Case-insensitive substring of the name',
    maxLength: PRODUCT_SEARCH_MAX,
    example: 'keyboard',
  })
  @IsOptional()
  @IsString()
  @Length(1, PRODUCT_SEARCH_MAX)
  q?: string;

  @ApiPropertyOptional({ description: 'Lowest price, inclusive', minimum: 0, example: 10 })
  @IsOptional()
  @Type(() => Number)
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  min_price?: number;

  @ApiPropertyOptional({ description: 'Highest price, inclusive', minimum: 0, example: 100 })
  @IsOptional()
  @Type(() => Number)
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  max_price?: number;
}
