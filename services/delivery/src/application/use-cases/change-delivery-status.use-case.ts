import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryNotFound } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { ChangeDeliveryStatusCommand } from '../dtos/delivery-commands';
import { DeliveryOutbox } from '../ports/delivery-outbox.port';

/**
 * `PATCH /deliveries/{id}/status` (admin). One transaction: lock the delivery, move it along the
 * table (409 otherwise), store it, and publish the fact (in transit, delivered, cancelled). The
 * fact commits with the status or not at all, and reaches its subscribers later even if they
 * are down right now.
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
      delivery.transitionTo(command.target);
      await this.deliveries.save(delivery);
      if (delivery.status === 'cancelada') {
        await this.outbox.cancelled(delivery, 'cancelled by an administrator');
      } else {
        await this.outbox.moved(delivery);
      }
      return delivery;
    });
  }
}
