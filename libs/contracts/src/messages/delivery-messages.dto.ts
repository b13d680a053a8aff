import { ApiProperty } from '@nestjs/swagger';
import { Type } from 'class-transformer';
import { IsDefined, IsObject, IsString, IsUUID, Length, ValidateNested } from 'class-validator';
import { AddressDto } from '../common/address.dto';

/** order → delivery: create the shipment of a paid order (idempotent per order and message). */
export class CreateDeliveryMessageDto {
  @ApiProperty({ format: 'uuid', example: '5f0c6d1e-8a43-4c61-9a52-0a9f2f0b7d11' })
  @IsUUID()
  message_id: string;

  @ApiProperty({ format: 'uuid', example: '3b2f9a60-4c1e-4d2b-8f7a-9c0d1e2f3a4b' })
  @IsUUID()
  order_id: string;

  @ApiProperty({ format: 'uuid', example: '8d0e6a3c-2b1f-4e5d-9c8b-7a6f5e4d3c2b' })
  @IsUUID()
  user_id: string;

  @ApiProperty({ type: AddressDto })
  @IsDefined()
  @IsObject()
  @ValidateNested()
  @Type(() => AddressDto)
  address: AddressDto;
}

/** order → delivery: the order was cancelled; a pending delivery is cancelled, others stay. */
export class CancelDeliveryMessageDto {
  @ApiProperty({ format: 'uuid', example: '5f0c6d1e-8a43-4c61-9a52-0a9f2f0b7d12' })
  @IsUUID()
  message_id: string;

  @ApiProperty({ format: 'uuid', example: '3b2f9a60-4c1e-4d2b-8f7a-9c0d1e2f3a4b' })
  @IsUUID()
  order_id: string;

  @ApiProperty({ example: 'order cancelled by its owner', maxLength: 200 })
  @IsString()
  @Length(1, 200)
  cause: string;
}
