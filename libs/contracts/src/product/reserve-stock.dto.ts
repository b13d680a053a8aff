import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { RESERVATION_ITEMS_MAX, RESERVATION_QUANTITY_MAX } from './product-limits';

export class StockReservationItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  @IsUUID()
  product_id: string;

  @ApiProperty({ minimum: 1, maximum: RESERVATION_QUANTITY_MAX, example: 2 })
  @IsInt()
  @Min(1)
  @Max(RESERVATION_QUANTITY_MAX)
  quantity: number;
}

/** Body of `POST /stock/reservations`: all items are reserved, or none. */
export class ReserveStockDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Idempotency key: one reservation per order',
    example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10',
  })
  @IsUUID()
  order_id: string;

  @ApiProperty({
    type: [StockReservationItemDto],
    minItems: 1,
    maxItems: RESERVATION_ITEMS_MAX,
    description: 'One line per product (a product may appear only once)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(RESERVATION_ITEMS_MAX)
  @ArrayUnique((item: StockReservationItemDto) => item?.product_id, {
    message: 'items must not repeat a product_id',
  })
  @IsObject({ each: true, message: 'each of items must be an object' })
  @ValidateNested({ each: true })
  @Type(() => StockReservationItemDto)
  items: StockReservationItemDto[];
}

export const STOCK_RESERVATION_STATUSES = ['reserved', 'released'] as const;
export type StockReservationStatus = (typeof STOCK_RESERVATION_STATUSES)[number];

/** A reserved line, priced by the catalog when the reservation answers it. */
export class ReservedItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  product_id: string;

  @ApiProperty({ minimum: 1, maximum: RESERVATION_QUANTITY_MAX, example: 2 })
  quantity: number;

  @ApiProperty({
    required: false,
    example: 'Desk lamp',
    description:
      "The product's name when reserved (or when a reservation is repeated); absent in a release's answer",
  })
  name?: string;

  @ApiProperty({
    required: false,
    example: 89.99,
    description:
      "The product's unit price, 2 decimals, when reserved (or when a reservation is repeated): what the order charges; absent in a release's answer",
  })
  price?: number;
}

export class StockReservationDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({ enum: STOCK_RESERVATION_STATUSES, example: 'reserved' })
  status: StockReservationStatus;

  @ApiProperty({ type: [ReservedItemDto] })
  items: ReservedItemDto[];

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:30:00.000Z' })
  created_at: string;

  @ApiProperty({
    format: 'date-time',
    nullable: true,
    type: String,
    example: null,
    description: 'When the stock was given back; null while reserved',
  })
  released_at: string | null;
}
