import {
  Body,
  Controller,
  DynamicModule,
  HttpCode,
  Injectable,
  Logger,
  Module,
  Post,
} from '@nestjs/common';
import { ApiInternalServerErrorResponse, ApiOkResponse } from '@nestjs/swagger';
import { IsNumber, IsUUID } from 'class-validator';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { DomainError, EventOutbox, UnitOfWork } from '@app/kernel';
import { EventHandlerMap, EventHandlers, EventMeta, PlatformModule } from '../src';

class ApproveDto {
  @IsUUID()
  payment_id!: string;

  @IsUUID()
  order_id!: string;

  // no decimal rule here: the outbox must catch a payload that breaks the contract
  @IsNumber()
  amount!: number;
}

/** The producer's side: a state change that publishes payment.approved in its transaction. */
@Controller('fixture')
class ProducerController {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly events: EventOutbox,
  ) {}

  @Post('approve')
  @HttpCode(200)
  @ApiOkResponse({ schema: { type: 'object', properties: { ok: { type: 'boolean' } } } })
  @ApiInternalServerErrorResponse({ description: 'A payload that breaks the event contract.' })
  approve(@Body() body: ApproveDto): Promise<{ ok: boolean }> {
    return this.uow.run(async () => {
      await this.events.publish({
        type: 'payment.approved',
        subject: body.order_id,
        payload: { ...body },
      });
      return { ok: true };
    });
  }
}

/** Amounts that make the consumer's handler fail (the transient one once per event). */
export const TRANSIENT_FAILURE_AMOUNT = 13.13;
export const PERMANENT_FAILURE_AMOUNT = 66.66;
/** An `order.validated` error code that makes the consumer's handler refuse it for good. */
export const NEVER_APPLIES_CODE = 'never_applies';

class NeverApplies extends DomainError {
  readonly kind = 'unprocessable';
  readonly code = 'never_applies';
}

/** The consumer's handlers: each writes one row per applied event, in the inbox's transaction. */
@Injectable()
class RecordingHandlers extends EventHandlers {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  /** events whose first handling failed (TRANSIENT_FAILURE_AMOUNT): the next one succeeds */
  private readonly failedOnce = new Set<string>();

  private readonly logger = new Logger('FixtureHandlers');

  private record = async (
    type: string,
    meta: EventMeta,
    subject: string,
    detail: string | null = null,
  ): Promise<void> => {
    // as a service's handler logs: the request id comes from the context, not from here
    this.logger.log({ event_id: meta.event_id, type }, 'fixture effect recorded');
    await this.txHost.tx.query(
      'INSERT INTO fixture_effects (event_id, type, subject, detail) VALUES ($1, $2, $3, $4)',
      [meta.event_id, type, subject, detail],
    );
  };

  readonly handlers: EventHandlerMap = {
    'payment.approved': async (payload, meta) => {
      await this.record('payment.approved', meta, payload.order_id);
      // after the write: a failure must take the effect and the inbox row with it
      if (payload.amount === TRANSIENT_FAILURE_AMOUNT && !this.failedOnce.has(meta.event_id)) {
        this.failedOnce.add(meta.event_id);
        throw new Error('database hiccup');
      }
      if (payload.amount === PERMANENT_FAILURE_AMOUNT) throw new NeverApplies('never applies');
    },
    'payment.refunded': (payload, meta) => this.record('payment.refunded', meta, payload.order_id),
    'delivery.in_transit': (payload, meta) =>
      this.record('delivery.in_transit', meta, payload.order_id),
    'delivery.delivered': (payload, meta) =>
      this.record('delivery.delivered', meta, payload.order_id),
    // detail: validated_at, which a test makes unique to tell one subject's events apart
    'order.validated': async (payload, meta) => {
      if (payload.errors.some((error) => error.code === NEVER_APPLIES_CODE)) {
        throw new NeverApplies('never applies');
      }
      await this.record('order.validated', meta, payload.order_id, payload.validated_at);
    },
  };
}

@Module({})
export class EventsProducerFixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: EventsProducerFixtureModule,
      imports: [
        PlatformModule.forRoot({
          service: 'payment',
          env,
          database: { entities: [], migrations: [] },
          messaging: true,
        }),
      ],
      controllers: [ProducerController],
    };
  }
}

@Module({})
export class EventsConsumerFixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: EventsConsumerFixtureModule,
      imports: [
        PlatformModule.forRoot({
          service: 'order',
          env,
          database: { entities: [], migrations: [] },
          messaging: true,
          eventHandlers: RecordingHandlers,
        }),
      ],
    };
  }
}
