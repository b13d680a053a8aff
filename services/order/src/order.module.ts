import { DynamicModule, Module } from '@nestjs/common';
import { ProductClient } from '@app/clients';
import { PlatformModule, loadConfigs } from '@app/platform';
import { OrderOutbox } from './application/ports/order-outbox.port';
import { ProductCatalog } from './application/ports/product-catalog.port';
import { CancelOrderUseCase } from './application/use-cases/cancel-order.use-case';
import { ChangeOrderStatusUseCase } from './application/use-cases/change-order-status.use-case';
import { GetOrderEventsUseCase } from './application/use-cases/get-order-events.use-case';
import { GetOrderUseCase } from './application/use-cases/get-order.use-case';
import { ListOrdersUseCase } from './application/use-cases/list-orders.use-case';
import { PlaceOrderUseCase } from './application/use-cases/place-order.use-case';
import { RecordOrderEventUseCase } from './application/use-cases/record-order-event.use-case';
import { OrderRepository } from './domain/repositories/order.repository';
import { validateOrderEnv } from './infrastructure/config/order.config';
import { orderDatabase } from './infrastructure/database';
import { HttpProductCatalog } from './infrastructure/gateways/http-product-catalog';
import { PlatformOrderOutbox } from './infrastructure/messaging/platform-order-outbox';
import { TypeormOrderRepository } from './infrastructure/repositories/typeorm-order.repository';
import { InternalOrdersController } from './interfaces/api/internal-orders.controller';
import { OrderEventHandlers } from './interfaces/events/order-event-handlers';
import { OrdersController } from './interfaces/api/orders.controller';

/** Composition root of the order service: binds each port to its adapter. */
@Module({})
export class OrderModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    const [platform] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'order',
          env,
          database: orderDatabase,
          // product: catalog, reservations and their release (synchronous); the subscribers of
          // the order's events are added by the platform from the catalogue
          upstreams: ['product'],
          messaging: true,
          eventHandlers: OrderEventHandlers,
          // Idempotency-Key on POST /orders; its short lease is renewed while a placement runs,
          // which (catalog lookups and the reservation, each within the upstream timeout and
          // retries) ends well within 60 s
          idempotency: { maxHoldSeconds: 60 },
        }),
      () => validateOrderEnv(env),
    );
    return {
      module: OrderModule,
      imports: [platform],
      controllers: [OrdersController, InternalOrdersController],
      providers: [
        { provide: OrderRepository, useClass: TypeormOrderRepository },
        { provide: ProductCatalog, useClass: HttpProductCatalog },
        { provide: OrderOutbox, useClass: PlatformOrderOutbox },
        ProductClient,
        PlaceOrderUseCase,
        GetOrderUseCase,
        GetOrderEventsUseCase,
        ListOrdersUseCase,
        CancelOrderUseCase,
        ChangeOrderStatusUseCase,
        RecordOrderEventUseCase,
        OrderEventHandlers,
      ],
    };
  }
}
