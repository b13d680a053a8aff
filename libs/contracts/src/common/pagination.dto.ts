import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { QueryInteger } from './query-number.transform';

export const PAGE_LIMIT_DEFAULT = 20;
export const PAGE_LIMIT_MAX = 100;
/**
 * Deepest page start. PostgreSQL reads and throws away `offset` rows for every page, so an
 * unbounded offset is an unbounded scan (and past bigint, a database error): 100,000 is 1,000
 * full pages, far more than anyone pages through; deeper than that, narrow the list with filters.
 */
export const PAGE_OFFSET_MAX = 100_000;

/**
 * `?limit=&offset=` of every list endpoint; out-of-range values are 400, never clamped. Both are
 * plain decimal integers: '1e2', '0x10', ' 1', '+1' and an empty value are 400 too.
 */
export class PageQueryDto {
  @ApiPropertyOptional({
    description: 'Page size, a decimal integer',
    minimum: 1,
    maximum: PAGE_LIMIT_MAX,
    default: PAGE_LIMIT_DEFAULT,
    example: 20,
  })
  @QueryInteger()
  @IsInt()
  @Min(1)
  @Max(PAGE_LIMIT_MAX)
  limit: number = PAGE_LIMIT_DEFAULT;

  @ApiPropertyOptional({
    description: `Items to skip, a decimal integer from 0 to ${PAGE_OFFSET_MAX}`,
    minimum: 0,
    maximum: PAGE_OFFSET_MAX,
    default: 0,
    example: 0,
  })
  @QueryInteger()
  @IsInt()
  @Min(0)
  @Max(PAGE_OFFSET_MAX)
  offset: number = 0;
}
