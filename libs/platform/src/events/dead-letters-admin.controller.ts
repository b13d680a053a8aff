import { Controller, Get, HttpCode, NotFoundException, Param, Post, Query } from '@nestjs/common';
import {
  ApiNoContentResponse,
  ApiOkResponse,
  ApiOperation,
  ApiProperty,
  ApiTags,
} from '@nestjs/swagger';
import { IsString, Length, Matches } from 'class-validator';
import { PageQueryDto } from '@app/contracts';
import { Auth } from '../auth/auth.decorators';
import { PlatformConfig } from '../config/platform.config';
import { ApiProblem, problemExample } from '../errors/api-problem.decorator';
import { DeadLetter, EventBroker } from './event-broker';

class DeadLetterDto implements DeadLetter {
  @ApiProperty({ example: 'b1f3c2d4-…' }) id: string;
  @ApiProperty({ format: 'uuid', nullable: true, type: String }) event_id: string | null;
  @ApiProperty({ example: 'payment.approved', nullable: true, type: String }) type: string | null;
  @ApiProperty({ example: 'invalid_payload' }) reason: string;
  @ApiProperty({ example: 10 }) attempts: number;
  @ApiProperty({ format: 'date-time' }) dead_lettered_at: string;
}

class DeadLetterPageDto {
  @ApiProperty({ type: [DeadLetterDto] }) items: DeadLetterDto[];
  @ApiProperty() limit: number;
  @ApiProperty() offset: number;
}

class DeadLetterIdDto {
  @IsString()
  @Length(1, 100)
  @Matches(/^[A-Za-z0-9_.:-]+$/)
  id!: string;
}

const REDRIVE_PATH = '/api/v1/admin/events/dead-letters/b1f3c2d4/redrive';

/**
 * With RabbitMQ: the events this service received and could not apply (retries exhausted, or
 * rejected), from its dead-letter queue, and their re-drive. Admin only.
 */
@ApiTags('outbox')
@Auth('admin')
@Controller('admin/events/dead-letters')
export class DeadLettersAdminController {
  constructor(
    private readonly broker: EventBroker,
    private readonly config: PlatformConfig,
  ) {}

  @Get()
  @ApiOperation({
    summary: "Received events that could not be applied (the broker's dead letters), oldest first.",
  })
  @ApiOkResponse({ type: DeadLetterPageDto })
  async list(@Query() query: PageQueryDto): Promise<DeadLetterPageDto> {
    const items = await this.broker.deadLetters(this.config.service, query.limit, query.offset);
    return { items, limit: query.limit, offset: query.offset };
  }

  @Post(':id/redrive')
  @HttpCode(204)
  @ApiOperation({ summary: "Puts one dead letter back on this service's queue, attempts reset." })
  @ApiNoContentResponse({ description: 'Back on the queue.' })
  @ApiProblem(404, 'No dead letter with this id.', {
    notFound: problemExample(404, 'not-found', 'No dead letter with this id.', REDRIVE_PATH),
  })
  async redrive(@Param() params: DeadLetterIdDto): Promise<void> {
    if (!(await this.broker.redrive(this.config.service, params.id))) {
      throw new NotFoundException('No dead letter with this id.');
    }
  }
}
