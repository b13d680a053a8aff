import { ApiPropertyOptional } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsObject, IsOptional, ValidateNested } from 'class-validator';
import { AddressDto } from '../common/address.dto';

/** Body of `POST /carts/{cart_id}/checkout` (may be `{}`). */
export class CheckoutDto {
  @ApiPropertyOptional({
    type: AddressDto,
    description:
      'Where to ship the order (a delivery needs one). Repeating an unfinished checkout must ' +
      'name the same address.',
  })
  // null is meaningful here: "no address", as omitting it and as the order's own null (kept).
  @IsOptional()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  shipping_address?: AddressDto;
}
