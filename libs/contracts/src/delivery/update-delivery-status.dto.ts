import { ApiProperty } from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { DELIVERY_STATUSES, DeliveryStatusName } from './delivery-limits';

/**
 * Body of `PATCH /deliveries/{id}/status` (admin). Allowed moves: pendiente → en_transito →
 * entregada, pendiente → cancelada; anything else is 409 illegal-transition.
 */
export class UpdateDeliveryStatusDto {
  @ApiProperty({
    enum: DELIVERY_STATUSES,
    description: 'The target status',
    example: 'en_transito',
  })
  @IsIn(DELIVERY_STATUSES)
  status: DeliveryStatusName;
}
