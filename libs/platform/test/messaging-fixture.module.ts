import { Body, Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { ApiInternalServerErrorResponse, ApiOkResponse } from '@nestjs/swagger';
import { IsBoolean, IsInt, IsOptional, IsString, IsUUID, Max, Min } from 'class-validator';
import { randomUUID } from 'node:crypto';
import { EventOutbox, MessageInbox, UnitOfWork } from '@app/kernel';
import { PlatformModule } from '../src';

class EmitDto {
  @IsString()
  aggregate!: string;

  @IsInt()
  @Min(1)
  @Max(500)
  count!: number;

  @IsOptional()
  @IsBoolean()
  fail?: boolean;
}

class ReceiveDto {
  @IsUUID()
  message_id!: string;

  @IsOptional()
  @IsBoolean()
  fail?: boolean;
}

/**
 * A sender and a receiver, to exercise the outbox, relay and inbox for real: the sender is the
 * payment service publishing `payment.approved` (amount n, subject the aggregate), which the
 * relay pushes to its one consumer, the order service (a fake upstream here).
 */
@Controller('fixture')
class MessagingFixtureController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly outbox: EventOutbox,
    private readonly inbox: MessageInbox,
  ) {}

  @Post('emit')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { ok: { type: 'boolean' } } } })
  @ApiInternalServerErrorResponse({ description: 'With `fail`: the unit of work throws.' })
  emit(@Body() body: EmitDto): Promise<{ ok: boolean }> {
    return this.uow.run(async () => {
      for (let n = 1; n <= body.count; n += 1) {
        await this.outbox.publish({
          type: 'payment.approved',
          subject: body.aggregate,
          payload: { payment_id: randomUUID(), order_id: randomUUID(), amount: n },
        });
      }
      // a failure after the enqueue must take the messages with it
      if (body.fail) throw new Error('state change failed');
      return { ok: true };
    });
  }

  @Post('receive')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { first: { type: 'boolean' } } } })
  @ApiInternalServerErrorResponse({ description: 'With `fail`: the unit of work throws.' })
  receive(@Body() body: ReceiveDto): Promise<{ first: boolean }> {
    return this.uow.run(async () => {
      const first = await this.inbox.firstDelivery(body.message_id);
      if (body.fail) throw new Error('effect failed');
      return { first };
    });
  }
}

@Module({})
export class MessagingFixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: MessagingFixtureModule,
      imports: [
        PlatformModule.forRoot({
          service: 'payment',
          env,
          database: { entities: [], migrations: [] },
          messaging: true,
        }),
      ],
      controllers: [MessagingFixtureController],
    };
  }
}
