import { DynamicModule, Module } from '@nestjs/common';
import { OrderClient } from '@app/clients';
import { PlatformModule, loadConfigs } from '@app/platform';
import { DeliveryCanceller } from './application/delivery-canceller';
import { DeliveryOpener } from './application/delivery-opener';
import { DeliverySettings } from './application/delivery-settings';
import { OrderDirectory } from './application/ports/order-directory.port';
import { DeliveryOutbox } from './application/ports/delivery-outbox.port';
import { CancelDeliveryForOrderUseCase } from './application/use-cases/cancel-delivery-for-order.use-case';
import { ChangeDeliveryStatusUseCase } from './application/use-cases/change-delivery-status.use-case';
import { FindDeliveryByOrderUseCase } from './application/use-cases/find-delivery-by-order.use-case';
import { GetDeliveryUseCase } from './application/use-cases/get-delivery.use-case';
import { ListDeliveriesUseCase } from './application/use-cases/list-deliveries.use-case';
import { OpenDeliveryForPaidOrderUseCase } from './application/use-cases/open-delivery-for-paid-order.use-case';
import { RequestDeliveryUseCase } from './application/use-cases/request-delivery.use-case';
import { StopDeliveryForOrderUseCase } from './application/use-cases/stop-delivery-for-order.use-case';
import { TrackDeliveryUseCase } from './application/use-cases/track-delivery.use-case';
import { DeliveryRepository } from './domain/repositories/delivery.repository';
import { OrderCancellations } from './domain/repositories/order-cancellations.repository';
import { PaidOrders } from './domain/repositories/paid-orders.repository';
import { loadDeliveryConfig } from './infrastructure/config/delivery.config';
import { deliveryDatabase } from './infrastructure/database';
import { HttpOrderDirectory } from './infrastructure/gateways/http-order-directory';
import { PlatformDeliveryOutbox } from './infrastructure/messaging/platform-delivery-outbox';
import { TypeormDeliveryRepository } from './infrastructure/repositories/typeorm-delivery.repository';
import { TypeormOrderCancellations } from './infrastructure/repositories/typeorm-order-cancellations';
import { TypeormPaidOrders } from './infrastructure/repositories/typeorm-paid-orders';
import { DeliveriesController } from './interfaces/api/deliveries.controller';
import { InternalDeliveriesController } from './interfaces/api/internal-deliveries.controller';
import { TrackingController } from './interfaces/api/tracking.controller';
import { DeliveryEventHandlers } from './interfaces/events/delivery-event-handlers';

/** Composition root of the delivery service: binds each port to its adapter. */
@Module({})
export class DeliveryModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    const [platform, config] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'delivery',
          env,
          database: deliveryDatabase,
          upstreams: ['order'],
          messaging: true,
          eventHandlers: DeliveryEventHandlers,
        }),
      () => loadDeliveryConfig(env),
    );
    return {
      module: DeliveryModule,
      imports: [platform],
      controllers: [TrackingController, DeliveriesController, InternalDeliveriesController],
      providers: [
        { provide: DeliverySettings, useValue: config },
        { provide: DeliveryRepository, useClass: TypeormDeliveryRepository },
        { provide: OrderCancellations, useClass: TypeormOrderCancellations },
        { provide: PaidOrders, useClass: TypeormPaidOrders },
        { provide: OrderDirectory, useClass: HttpOrderDirectory },
        { provide: DeliveryOutbox, useClass: PlatformDeliveryOutbox },
        OrderClient,
        DeliveryOpener,
        DeliveryCanceller,
        OpenDeliveryForPaidOrderUseCase,
        CancelDeliveryForOrderUseCase,
        StopDeliveryForOrderUseCase,
        RequestDeliveryUseCase,
        ChangeDeliveryStatusUseCase,
        GetDeliveryUseCase,
        ListDeliveriesUseCase,
        FindDeliveryByOrderUseCase,
        TrackDeliveryUseCase,
        DeliveryEventHandlers,
      ],
    };
  }
}
