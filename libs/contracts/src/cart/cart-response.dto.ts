import { ApiProperty } from '@nestjs/swagger';

export const CART_STATUSES = ['active', 'checked_out'] as const;
export type CartStatus = (typeof CART_STATUSES)[number];

export class CartItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  product_id: string;

  @ApiProperty({
    description: 'Product name as the catalog had it when the line was last added or changed',
    example: 'Mechanical keyboard',
  })
  name: string;

  @ApiProperty({
    description:
      'Unit price (2 decimals) as the catalog had it when the line was last added or changed; ' +
      'checkout prices from the catalog again',
    example: 19.99,
  })
  unit_price: number;

  @ApiProperty({ minimum: 1, maximum: 1000, example: 3 })
  quantity: number;

  @ApiProperty({ description: 'unit_price × quantity, exact to the cent', example: 59.97 })
  subtotal: number;
}

export class CartResponseDto {
  @ApiProperty({ format: 'uuid', example: '5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '7d9f0e1a-2b3c-4d5e-8f60-718293a4b5c6' })
  user_id: string;

  @ApiProperty({
    enum: CART_STATUSES,
    description: 'active: can change; checked_out: turned into an order, read-only',
    example: 'active',
  })
  status: CartStatus;

  @ApiProperty({ type: [CartItemDto], description: 'In the order products were first added' })
  items: CartItemDto[];

  @ApiProperty({ description: 'Sum of the subtotals, exact to the cent', example: 65.47 })
  total: number;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    example: null,
    description: 'The order this cart became; null while active',
  })
  order_id: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:32:10.000Z' })
  updated_at: string;
}
