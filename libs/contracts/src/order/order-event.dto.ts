import { ApiProperty } from '@nestjs/swagger';
import { ORDER_EVENT_TYPES, ORDER_STATUSES, OrderEventType, OrderStatusName } from './order-limits';

/** One entry of an order's append-only history (`GET /orders/{id}/events`), oldest first. */
export class OrderEventDto {
  @ApiProperty({ format: 'uuid', example: 'c4a1e2d3-6b7f-4a8e-9d0c-1b2a3f4e5d6c' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({ enum: ORDER_EVENT_TYPES, example: 'paid' })
  type: OrderEventType;

  @ApiProperty({
    enum: ORDER_STATUSES,
    description: 'The order status after this event',
    example: 'pagada',
  })
  status: OrderStatusName;

  @ApiProperty({ description: 'Why it happened', example: 'payment approved' })
  cause: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:31:00.000Z' })
  occurred_at: string;

  @ApiProperty({
    format: 'uuid',
    nullable: true,
    type: String,
    description: 'The service message that caused it (internal status changes); null otherwise',
    example: '0d9c8b7a-6f5e-4d3c-8b1a-0f9e8d7c6b5a',
  })
  message_id: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null })
  payment_id: string | null;

  @ApiProperty({ format: 'uuid', nullable: true, type: String, example: null })
  delivery_id: string | null;
}
