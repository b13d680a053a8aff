import { ApiProperty } from '@nestjs/swagger';
import { IsInt, IsUUID, Max, Min } from 'class-validator';
import { CART_QUANTITY_MAX } from './cart-limits';

/** Body of `POST /carts/{cart_id}/items`. A product already in the cart gets this many more. */
export class AddCartItemDto {
  @ApiProperty({ format: 'uuid', example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11' })
  @IsUUID()
  product_id: string;

  @ApiProperty({
    description: `Units to add; the line's total may not exceed ${CART_QUANTITY_MAX}`,
    minimum: 1,
    maximum: CART_QUANTITY_MAX,
    example: 2,
  })
  @IsInt()
  @Min(1)
  @Max(CART_QUANTITY_MAX)
  quantity: number;
}
