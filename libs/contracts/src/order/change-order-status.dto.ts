import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { ORDER_CAUSE_MAX, ORDER_STATUSES, OrderStatusName } from './order-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/**
 * Body of `POST /internal/orders/{id}/status` (service credential only), sent by payment and
 * delivery (through their outbox). Applied once per `message_id`; a target the order has already
 * reached or passed is a 200 no-op; only a truly illegal move is 409 (see docs/order-service.md).
 */
export class ChangeOrderStatusDto {
  @ApiProperty({
    format: 'uuid',
    description: "The sender's message id: the order applies each message once",
    example: '0d9c8b7a-6f5e-4d3c-8b1a-0f9e8d7c6b5a',
  })
  @IsUUID()
  message_id: string;

  @ApiProperty({ enum: ORDER_STATUSES, description: 'The target status', example: 'pagada' })
  @IsIn(ORDER_STATUSES)
  status: OrderStatusName;

  @ApiProperty({
    minLength: 1,
    maxLength: ORDER_CAUSE_MAX,
    description: 'Why, recorded in the order history',
    example: 'payment approved',
  })
  @Transform(trim)
  @IsString()
  @Length(1, ORDER_CAUSE_MAX)
  cause: string;

  @ApiPropertyOptional({ format: 'uuid', example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  @IsOptionalNotNull()
  @IsUUID()
  payment_id?: string;

  @ApiPropertyOptional({ format: 'uuid', example: '1a2b3c4d-5e6f-4a8b-9c0d-1e2f3a4b5c6d' })
  @IsOptionalNotNull()
  @IsUUID()
  delivery_id?: string;
}
