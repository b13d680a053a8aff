import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { Transform } from 'class-transformer';
import { IsIn, IsString, IsUUID, Length } from 'class-validator';
import { ORDER_CAUSE_MAX } from './order-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

const trim = ({ value }: { value: unknown }) => (typeof value === 'string' ? value.trim() : value);

/** The event types another service may report without moving the order. */
export const REPORTABLE_EVENT_TYPES = ['refunded'] as const;

/**
 * Body of `POST /internal/orders/{id}/events` (service key): a fact about the order that does not
 * move its status, applied once per `message_id`. Only `refunded` (payment) today
 * (see docs/messaging.md).
 */
export class RecordOrderEventDto {
  @ApiProperty({
    format: 'uuid',
    description: "The sender's message id: the order records each message once",
    example: '2c4e6a8b-0d1f-4a3b-8c5d-7e9f0a1b2c3d',
  })
  @IsUUID()
  message_id: string;

  @ApiProperty({ enum: REPORTABLE_EVENT_TYPES, example: 'refunded' })
  @IsIn(REPORTABLE_EVENT_TYPES)
  type: (typeof REPORTABLE_EVENT_TYPES)[number];

  @ApiProperty({
    minLength: 1,
    maxLength: ORDER_CAUSE_MAX,
    description: 'Why, recorded in the order history',
    example: 'refund of a cancelled order',
  })
  @Transform(trim)
  @IsString()
  @Length(1, ORDER_CAUSE_MAX)
  cause: string;

  @ApiPropertyOptional({ format: 'uuid', example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  @IsOptionalNotNull()
  @IsUUID()
  payment_id?: string;
}
