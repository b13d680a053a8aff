import { Body, Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { ApiOkResponse, ApiServiceUnavailableResponse } from '@nestjs/swagger';
import { IsBoolean, IsISO8601, IsOptional, IsString, IsUUID } from 'class-validator';
import { EventOutbox } from '@app/kernel';
import { PlatformModule } from '../src';

class ValidatedDto {
  @IsUUID()
  order_id!: string;

  @IsBoolean()
  valid!: boolean;

  /** makes one subject's events tell apart at the consumer (it records it) */
  @IsISO8601()
  validated_at!: string;

  /** an error code for an invalid result (the consumer refuses `never_applies` for good) */
  @IsOptional()
  @IsString()
  code?: string;
}

/** The producer's side: publishes order.validated as order-validation does, nothing else. */
@Controller('fixture')
class MemoryProducerController {
  constructor(private readonly events: EventOutbox) {}

  @Post('validated')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { ok: { type: 'boolean' } } } })
  @ApiServiceUnavailableResponse({ description: 'The in-memory outbox is full.' })
  async validated(@Body() body: ValidatedDto): Promise<{ ok: boolean }> {
    const errors = body.valid ? [] : [{ code: body.code ?? 'price_mismatch', message: 'off' }];
    await this.events.publish({
      type: 'order.validated',
      subject: body.order_id,
      payload: {
        order_id: body.order_id,
        valid: body.valid,
        errors,
        validated_at: body.validated_at,
      },
    });
    return { ok: true };
  }
}

/** A producer without a database (order-validation's name): its EventOutbox is in memory. */
@Module({})
export class MemoryOutboxProducerFixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: MemoryOutboxProducerFixtureModule,
      imports: [PlatformModule.forRoot({ service: 'order-validation', env, messaging: true })],
      controllers: [MemoryProducerController],
    };
  }
}
