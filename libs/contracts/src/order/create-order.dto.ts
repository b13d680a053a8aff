import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import {
  ArrayMaxSize,
  ArrayMinSize,
  ArrayUnique,
  IsArray,
  IsInt,
  IsObject,
  IsOptional,
  IsUUID,
  Max,
  Min,
  ValidateNested,
} from 'class-validator';
import { AddressDto } from '../common/address.dto';
import { IsMoneyAmount, MONEY_MAX } from '../common/money.validator';
import { IsOptionalNotNull } from '../common/optional.decorator';
import { ORDER_ITEMS_MAX, ORDER_QUANTITY_MAX } from './order-limits';

export class CreateOrderItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  @IsUUID()
  product_id: string;

  @ApiProperty({ minimum: 1, maximum: ORDER_QUANTITY_MAX, example: 3 })
  @IsInt()
  @Min(1)
  @Max(ORDER_QUANTITY_MAX)
  quantity: number;

  @ApiPropertyOptional({
    description:
      'The price the client saw. Accepted for compatibility and IGNORED: the order is always ' +
      'priced from the catalog at the moment it is placed.',
    minimum: 0,
    maximum: MONEY_MAX,
    example: 19.99,
  })
  @IsOptionalNotNull()
  @IsMoneyAmount()
  @Min(0)
  @Max(MONEY_MAX)
  price?: number;
}

/** Body of `POST /orders`. Prices come from the catalog; stock is reserved before storing. */
export class CreateOrderDto {
  @ApiProperty({
    format: 'uuid',
    description: 'Whose order this is: a customer may only name themselves; admin anyone',
    example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f',
  })
  @IsUUID()
  user_id: string;

  @ApiProperty({
    type: [CreateOrderItemDto],
    minItems: 1,
    maxItems: ORDER_ITEMS_MAX,
    description: 'One line per product (a product may appear only once)',
  })
  @IsArray()
  @ArrayMinSize(1)
  @ArrayMaxSize(ORDER_ITEMS_MAX)
  @ArrayUnique((item: CreateOrderItemDto) => item?.product_id, {
    message: 'items must not repeat a product_id',
  })
  @IsObject({ each: true, message: 'each of items must be an object' })
  @ValidateNested({ each: true })
  @Type(() => CreateOrderItemDto)
  items: CreateOrderItemDto[];

  @ApiPropertyOptional({ type: AddressDto, description: 'Where to ship (needed for a delivery)' })
  // null is meaningful here: "no address", as omitting it and as the order's own null (kept).
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  shipping_address?: AddressDto;
}
