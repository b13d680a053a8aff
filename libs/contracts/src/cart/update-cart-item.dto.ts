import { ApiProperty } from '@nestjs/swagger';
import { IsInt, Max, Min } from 'class-validator';
import { CART_QUANTITY_MAX } from './cart-limits';

/** Body of `PATCH /carts/{cart_id}/items/{product_id}`: the line's new quantity (not a delta). */
export class UpdateCartItemDto {
  @ApiProperty({
    description: 'New quantity of the line; remove a line with DELETE instead of 0',
    minimum: 1,
    maximum: CART_QUANTITY_MAX,
    example: 3,
  })
  @IsInt()
  @Min(1)
  @Max(CART_QUANTITY_MAX)
  quantity: number;
}
