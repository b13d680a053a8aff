import { ApiProperty } from '@nestjs/swagger';
import { IsString, IsUUID, Length } from 'class-validator';

/** order → payment: the paid order was cancelled; refund its approved payment, once. */
export class RefundOrderPaymentMessageDto {
  @ApiProperty({ format: 'uuid', example: '5f0c6d1e-8a43-4c61-9a52-0a9f2f0b7d13' })
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
