import { ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { ORDER_STATUSES, OrderStatusName } from './order-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

/**
 * Query of `GET /orders`: newest first, ties by id (stable). A customer always sees only their
 * own orders (a `user_id` other than their own matches nothing); admin sees all.
 */
export class ListOrdersQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f' })
  @IsOptionalNotNull()
  @IsUUID()
  user_id?: string;

  @ApiPropertyOptional({ enum: ORDER_STATUSES, example: 'creada' })
  @IsOptionalNotNull()
  @IsIn(ORDER_STATUSES)
  status?: OrderStatusName;
}
