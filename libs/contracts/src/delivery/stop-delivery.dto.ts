import { ApiProperty } from '@nestjs/swagger';
import { DeliveryResponseDto } from './delivery-response.dto';

/**
 * How a stop ended when the goods had not left: the order's pending delivery was cancelled now,
 * it was cancelled already, or the order had none (it is remembered, so none is ever opened).
 * Goods that left are not a stop: 409 `delivery-already-left`.
 */
export const DELIVERY_STOP_OUTCOMES = ['cancelled', 'already_cancelled', 'no_delivery'] as const;
export type DeliveryStopOutcome = (typeof DELIVERY_STOP_OUTCOMES)[number];

/** Answer of `POST /internal/deliveries/by-order/{order_id}/stop`: the goods will not leave. */
export class StopDeliveryResponseDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({
    enum: DELIVERY_STOP_OUTCOMES,
    description:
      '`cancelled`: its pending delivery was cancelled now (`delivery.cancelled` follows); ' +
      '`already_cancelled`: by an earlier stop, cancellation or admin; `no_delivery`: none was ' +
      'opened, and none will be for this order',
    example: 'cancelled',
  })
  outcome: DeliveryStopOutcome;

  @ApiProperty({ type: DeliveryResponseDto, nullable: true, description: 'null when none' })
  delivery: DeliveryResponseDto | null;
}
