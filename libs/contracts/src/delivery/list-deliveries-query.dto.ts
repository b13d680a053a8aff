import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { DELIVERY_STATUSES, DeliveryStatusName } from './delivery-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

/**
 * Query of `GET /deliveries`: newest first, ties by id (stable). A customer sees only their own
 * deliveries; admin sees all. Filters combine.
 */
export class ListDeliveriesQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  @IsOptionalNotNull()
  @IsUUID()
  order_id?: string;

  @ApiPropertyOptional({ enum: DELIVERY_STATUSES, example: 'pendiente' })
  @IsOptionalNotNull()
  @IsIn(DELIVERY_STATUSES)
  status?: DeliveryStatusName;
}
