import { ApiProperty } from '@nestjs/swagger';

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

export class ProductPageDto {
  @ApiProperty({ type: [ProductResponseDto] })
  items: ProductResponseDto[];

  @ApiProperty({ description: 'Products matching the filters', example: 42 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}
