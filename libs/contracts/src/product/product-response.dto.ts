import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProductResponseDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  id: string;

  @ApiProperty({ example: 'Mechanical keyboard' })
  name: string;

  @ApiProperty({ example: 'Tenkeyless, hot-swappable switches, USB-C.' })
  description: string;

  @ApiProperty({ description: 'Unit price, 2 decimals', example: 89.99 })
  price: number;

  @ApiProperty({ description: 'Units left to sell', example: 25 })
  stock_quantity: number;

  @ApiProperty({ example: 'electronics' })
  category: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  updated_at: string;
}

/**
 * A page of the list. By offset: `total` and `offset`; by cursor: neither (counting every match
 * would cost as much as the catalog is large, on every page).
 */
export class ProductPageDto {
  @ApiProperty({ type: [ProductResponseDto] })
  items: ProductResponseDto[];

  @ApiPropertyOptional({
    description:
      'Products matching the filters (offset pages only). Exact, except for an unfiltered list ' +
      "of a catalog past 10,000 products: then PostgreSQL's size estimate, and " +
      '`total_is_estimate` is true.',
    example: 42,
  })
  total?: number;

  @ApiPropertyOptional({
    description: 'Whether `total` is an estimate (offset pages only)',
    example: false,
  })
  total_is_estimate?: boolean;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiPropertyOptional({ description: 'Offset pages only', example: 0 })
  offset?: number;

  @ApiProperty({
    type: String,
    nullable: true,
    description:
      'Pass as `cursor` for the next page (same filters); null after the last product. Opaque.',
    example:
      'MjAyNS0wMS0xNVQxMDozMDowMC4xMjM0NTZafDNmMGU4YTUyLTVjMWUtNGQ3ZS05YTU1LTJiMGY0ZjNiNmMxMQ',
  })
  next_cursor: string | null;
}
