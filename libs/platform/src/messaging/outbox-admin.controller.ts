import { Controller, Get, HttpCode, Post, Query } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiPropertyOptional,
  ApiTags,
} from '@nestjs/swagger';
import { IsIn } from 'class-validator';
import { NotFoundException, ConflictException } from '@nestjs/common';
import { IsOptionalNotNull, PageQueryDto } from '@app/contracts';
import { DataSource } from 'typeorm';
import { Auth } from '../auth/auth.decorators';
import { ApiProblem, problemExample } from '../errors/api-problem.decorator';
import { UuidParam } from '../validation/uuid-param';
import { OutboxMessageOrmEntity, OutboxStatus } from './outbox-message.orm-entity';

/** `limit`/`offset` as every list (offset 0 to PAGE_OFFSET_MAX, decimal integers only). */
class OutboxQueryDto extends PageQueryDto {
  @ApiPropertyOptional({ enum: ['pending', 'delivered', 'dead'], example: 'dead' })
  @IsOptionalNotNull()
  @IsIn(['pending', 'delivered', 'dead'])
  status?: OutboxStatus;
}

class OutboxMessageDto {
  @ApiProperty({ format: 'uuid' }) id: string;
  @ApiProperty({ example: 'payment.approved' }) type: string;
  @ApiProperty({ example: '0b7c…' }) aggregate_id: string;
  @ApiProperty({ example: 'order' }) destination: string;
  @ApiProperty({ example: '/api/v1/internal/orders/…/status' }) path: string;
  @ApiProperty({ enum: ['pending', 'delivered', 'dead'] }) status: OutboxStatus;
  @ApiProperty({ example: 12 }) attempts: number;
  @ApiProperty({ nullable: true, type: String, example: 'unavailable' }) last_error: string | null;
  @ApiProperty({ format: 'date-time' }) next_attempt_at: string;
  @ApiProperty({ format: 'date-time' }) created_at: string;
  @ApiProperty({ format: 'date-time', nullable: true, type: String }) delivered_at: string | null;
}

class OutboxPageDto {
  @ApiProperty({ type: [OutboxMessageDto] }) items: OutboxMessageDto[];
  @ApiProperty() total: number;
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

const REDRIVE_PATH = '/api/v1/admin/outbox/3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11/redrive';

function present(row: OutboxMessageOrmEntity): OutboxMessageDto {
  return {
    id: row.id,
    type: row.type,
    aggregate_id: row.aggregateId,
    destination: row.destination,
    path: row.path,
    status: row.status,
    attempts: row.attempts,
    last_error: row.lastError,
    next_attempt_at: row.nextAttemptAt.toISOString(),
    created_at: row.createdAt.toISOString(),
    delivered_at: row.deliveredAt?.toISOString() ?? null,
  };
}

/** What this service still has to tell others; dead letters and their re-drive. Admin only. */
@ApiTags('outbox')
@Auth('admin')
@Controller('admin/outbox')
export class OutboxAdminController {
  constructor(private readonly dataSource: DataSource) {}

  @Get()
  @ApiOperation({
    summary: 'Outgoing messages, newest first; ?status=dead lists the dead letters.',
  })
  @ApiOkResponse({ type: OutboxPageDto })
  async list(@Query() query: OutboxQueryDto): Promise<OutboxPageDto> {
    const [rows, total] = await this.dataSource.getRepository(OutboxMessageOrmEntity).findAndCount({
      where: query.status ? { status: query.status } : {},
      order: { sequence: 'DESC' },
      take: query.limit,
      skip: query.offset,
    });
    return { items: rows.map(present), total, limit: query.limit, offset: query.offset };
  }

  @Post(':id/redrive')
  @HttpCode(200)
  @ApiOperation({ summary: 'Puts a dead-lettered message back in the queue, due now.' })
  @ApiOkResponse({ type: OutboxMessageDto })
  @ApiProblem(404, 'No outbox message with this id.', {
    notFound: problemExample(404, 'not-found', 'No outbox message with this id.', REDRIVE_PATH),
  })
  @ApiProblem(409, 'The message is not dead-lettered (pending or delivered).', {
    notDead: problemExample(
      409,
      'conflict',
      'Only a dead-lettered message can be re-driven.',
      REDRIVE_PATH,
    ),
  })
  async redrive(@UuidParam('id') id: string): Promise<OutboxMessageDto> {
    const repository = this.dataSource.getRepository(OutboxMessageOrmEntity);
    const result = await repository
      .createQueryBuilder()
      .update()
      .set({ status: 'pending', attempts: 0, nextAttemptAt: () => 'now()', lockedUntil: null })
      .where('id = :id AND status = :dead', { id, dead: 'dead' })
      .execute();
    const row = await repository.findOneBy({ id });
    if (!row) throw new NotFoundException('No outbox message with this id.');
    if ((result.affected ?? 0) === 0)
      throw new ConflictException('Only a dead-lettered message can be re-driven.');
    return present(row);
  }
}
