import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsUUID, ValidateNested } from 'class-validator';
import { AddressDto } from '../common/address.dto';

/**
 * Body of `POST /deliveries`: the owner of a paid order (or admin) asks for its shipment.
 * Idempotent per order: a delivery that already exists is returned as it is.
 */
export class CreateDeliveryDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  @IsUUID()
  order_id: string;

  @ApiProperty({ type: AddressDto, description: 'Where to deliver' })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;
}
