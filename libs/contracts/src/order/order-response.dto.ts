import { ApiProperty } from '@nestjs/swagger';
import { AddressDto } from '../common/address.dto';
import { ORDER_STATUSES, OrderStatusName } from './order-limits';

/** A line as priced from the catalog when the order was placed. */
export class OrderItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  product_id: string;

  @ApiProperty({ description: 'Product name when the order was placed', example: 'Desk lamp' })
  name: string;

  @ApiProperty({ example: 3 })
  quantity: number;

  @ApiProperty({ description: 'Catalog unit price when the order was placed', example: 19.99 })
  price: number;

  @ApiProperty({ description: 'price × quantity, computed in integer cents', example: 59.97 })
  subtotal: number;
}

export class OrderResponseDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  user_id: string;

  @ApiProperty({ type: [OrderItemDto] })
  items: OrderItemDto[];

  @ApiProperty({ description: 'Sum of the subtotals, exact to the cent', example: 65.47 })
  total: number;

  @ApiProperty({ enum: ORDER_STATUSES, example: 'creada' })
  status: OrderStatusName;

  @ApiProperty({ type: AddressDto, nullable: true })
  shipping_address: AddressDto | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  updated_at: string;
}

export class OrderPageDto {
  @ApiProperty({ type: [OrderResponseDto] })
  items: OrderResponseDto[];

  @ApiProperty({ description: 'Orders matching the filters', example: 42 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}
