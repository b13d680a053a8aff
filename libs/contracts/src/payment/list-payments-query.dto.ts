import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { IsIn, IsUUID } from 'class-validator';
import { PageQueryDto } from '../common/pagination.dto';
import { PAYMENT_STATUSES, PaymentStatusName } from './payment-limits';
import { IsOptionalNotNull } from '../common/optional.decorator';

/**
 * Query of `GET /payments`: newest first, ties by id (stable). A customer sees only the
 * payments of their own orders; admin sees all.
 */
export class ListPaymentsQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  @IsOptionalNotNull()
  @IsUUID()
  order_id?: string;

  @ApiPropertyOptional({ enum: PAYMENT_STATUSES, example: 'aprobado' })
  @IsOptionalNotNull()
  @IsIn(PAYMENT_STATUSES)
  status?: PaymentStatusName;
}

/** Query of the internal `GET /internal/payments?order_id=` (service key). */
export class InternalPaymentsQueryDto extends PageQueryDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  @IsUUID()
  order_id: string;
}
