import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Delivery } from '../../domain/entities/delivery';
import { ORDER_STATUS_AFTER } from '../../domain/entities/delivery-status';
import { DeliveryNotFound } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { ChangeDeliveryStatusCommand } from '../dtos/delivery-commands';
import { OrderStatusNotifier } from '../ports/order-status-notifier.port';

/**
 * `PATCH /deliveries/{id}/status` (admin). One transaction: lock the delivery, move it along the
 * table (409 otherwise), store it, and, for `en_transito` and `entregada`, the notice that moves
 * the order to `enviada` / `entregada`. The notice commits with the status or not at all, and
 * reaches the order service later even if it is down right now.
 */
@Injectable()
export class ChangeDeliveryStatusUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryRepository,
    private readonly notifier: OrderStatusNotifier,
  ) {}

  execute(command: ChangeDeliveryStatusCommand): Promise<Delivery> {
    return this.uow.run(async () => {
      const delivery = await this.deliveries.findByIdForUpdate(command.deliveryId);
      if (!delivery) throw new DeliveryNotFound(command.deliveryId);
      delivery.transitionTo(command.target);
      await this.deliveries.save(delivery);
      const orderStatus = ORDER_STATUS_AFTER[command.target];
      if (orderStatus) {
        await this.notifier.notify({
          orderId: delivery.orderId,
          deliveryId: delivery.id,
          status: orderStatus,
          cause:
            orderStatus === 'enviada'
              ? `delivery ${delivery.trackingNumber} handed to ${delivery.carrier}`
              : `delivery ${delivery.trackingNumber} delivered`,
        });
      }
      return delivery;
    });
  }
}
