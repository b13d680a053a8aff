import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryNotFound, IllegalDeliveryTransition } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { ChangeDeliveryStatusCommand } from '../dtos/delivery-commands';
import { DeliveryOutbox } from '../ports/delivery-outbox.port';

/**
 * `PATCH /deliveries/{id}/status` (admin). One transaction: lock the delivery, move it along the
 * table (409 otherwise), store it only if it is still in the status it was read in (a
 * conditional UPDATE: `en_transito` is written only over `pendiente`, so an order's stop that
 * cancelled it first wins and this answers 409), and publish the fact (in transit, delivered,
 * cancelled). The fact commits with the status or not at all, and reaches its subscribers later
 * even if they are down right now.
 */
@Injectable()
export class ChangeDeliveryStatusUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly deliveries: DeliveryRepository,
    private readonly outbox: DeliveryOutbox,
  ) {}

  execute(command: ChangeDeliveryStatusCommand): Promise<Delivery> {
    return this.uow.run(async () => {
      const delivery = await this.deliveries.findByIdForUpdate(command.deliveryId);
      if (!delivery) throw new DeliveryNotFound(command.deliveryId);
      const from = delivery.status;
      delivery.transitionTo(command.target);
      if (!(await this.deliveries.saveMove(delivery, from))) {
        const current = await this.deliveries.findById(command.deliveryId);
        throw new IllegalDeliveryTransition(current?.status ?? from, command.target);
      }
      if (delivery.status === 'cancelada') {
        await this.outbox.cancelled(delivery, 'cancelled by an administrator');
      } else {
        await this.outbox.moved(delivery);
      }
      return delivery;
    });
  }
}
