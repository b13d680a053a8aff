import { DynamicModule, Module } from '@nestjs/common';
import { DeliveryClient, ProductClient } from '@app/clients';
import { PlatformModule, loadConfigs } from '@app/platform';
import { PlacementSettings } from './application/placement-settings';
import { OrderCancellation } from './application/order-cancellation';
import { OrderSettings } from './application/order-settings';
import { GoodsDispatch } from './application/ports/goods-dispatch.port';
import { OrderOutbox } from './application/ports/order-outbox.port';
import { OrderPlacements } from './application/ports/order-placements.port';
import { ProductCatalog } from './application/ports/product-catalog.port';
import { CancelOrderUseCase } from './application/use-cases/cancel-order.use-case';
import { ChangeOrderStatusUseCase } from './application/use-cases/change-order-status.use-case';
import { ExpireUnpaidOrdersUseCase } from './application/use-cases/expire-unpaid-orders.use-case';
import { GetOrderEventsUseCase } from './application/use-cases/get-order-events.use-case';
import { GetOrderUseCase } from './application/use-cases/get-order.use-case';
import { ListOrdersUseCase } from './application/use-cases/list-orders.use-case';
import { PlaceOrderUseCase } from './application/use-cases/place-order.use-case';
import { RecordOrderEventUseCase } from './application/use-cases/record-order-event.use-case';
import { RecoverPlacementsUseCase } from './application/use-cases/recover-placements.use-case';
import { OrderRepository } from './domain/repositories/order.repository';
import { RecoverPendingCancellationsUseCase } from './application/use-cases/recover-pending-cancellations.use-case';
import { PendingCancellations } from './domain/repositories/pending-cancellations.repository';
import { OrderConfig, loadOrderConfig } from './infrastructure/config/order.config';
import { orderDatabase } from './infrastructure/database';
import { HttpGoodsDispatch } from './infrastructure/gateways/http-goods-dispatch';
import { HttpProductCatalog } from './infrastructure/gateways/http-product-catalog';
import { PlatformOrderOutbox } from './infrastructure/messaging/platform-order-outbox';
import { TypeormOrderPlacements } from './infrastructure/repositories/typeorm-order-placements';
import { TypeormOrderRepository } from './infrastructure/repositories/typeorm-order.repository';
import { TypeormPendingCancellations } from './infrastructure/repositories/typeorm-pending-cancellations';
import { InternalOrdersController } from './interfaces/api/internal-orders.controller';
import { OrderEventHandlers } from './interfaces/events/order-event-handlers';
import { PlacementRecoveryJob } from './interfaces/jobs/placement-recovery.job';
import { OrdersController } from './interfaces/api/orders.controller';
import { CancellationRecoveryJob } from './interfaces/jobs/cancellation-recovery.job';
import { OrderExpiryJob } from './interfaces/jobs/order-expiry.job';

/** Placements the recovery takes per pass (every ORDER_PLACEMENT_RECOVERY_INTERVAL_MS). */
const PLACEMENTS_PER_PASS = 100;

/** Composition root of the order service: binds each port to its adapter. */
@Module({})
export class OrderModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    const [platform, config] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'order',
          env,
          database: orderDatabase,
          // product: catalog, reservations and their release; delivery: the stop of a paid
          // order's goods before its cancel (synchronous); the subscribers of the order's events
          // are added by the platform from the catalogue
          upstreams: ['product', 'delivery'],
          messaging: true,
          eventHandlers: OrderEventHandlers,
          // Idempotency-Key on POST /orders; its short lease is renewed while a placement runs,
          // which (catalog lookups and the reservation, each within the upstream timeout and
          // retries) ends well within 60 s
          idempotency: { maxHoldSeconds: 60 },
        }),
      () => loadOrderConfig(env),
    );
    return {
      module: OrderModule,
      imports: [platform],
      controllers: [OrdersController, InternalOrdersController],
      providers: [
        { provide: OrderConfig, useValue: config },
        {
          provide: PlacementSettings,
          useValue: new PlacementSettings(config.placementTimeoutSeconds, PLACEMENTS_PER_PASS),
        },
        { provide: OrderRepository, useClass: TypeormOrderRepository },
        { provide: OrderPlacements, useClass: TypeormOrderPlacements },
        { provide: OrderSettings, useValue: config },
        { provide: OrderRepository, useClass: TypeormOrderRepository },
        { provide: PendingCancellations, useClass: TypeormPendingCancellations },
        { provide: ProductCatalog, useClass: HttpProductCatalog },
        { provide: GoodsDispatch, useClass: HttpGoodsDispatch },
        { provide: OrderOutbox, useClass: PlatformOrderOutbox },
        ProductClient,
        DeliveryClient,
        OrderCancellation,
        PlaceOrderUseCase,
        GetOrderUseCase,
        GetOrderEventsUseCase,
        ListOrdersUseCase,
        CancelOrderUseCase,
        ChangeOrderStatusUseCase,
        RecordOrderEventUseCase,
        RecoverPlacementsUseCase,
        PlacementRecoveryJob,
        ExpireUnpaidOrdersUseCase,
        RecoverPendingCancellationsUseCase,
        OrderEventHandlers,
        OrderExpiryJob,
        CancellationRecoveryJob,
      ],
    };
  }
}
