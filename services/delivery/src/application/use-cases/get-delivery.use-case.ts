import { Injectable } from '@nestjs/common';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryNotFound } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';
import { Requester, canSeeDeliveriesOf } from '../dtos/requester';

/** One delivery: its owner or admin. Others get 404, as for a delivery that does not exist. */
@Injectable()
export class GetDeliveryUseCase {
  constructor(private readonly deliveries: DeliveryRepository) {}

  async execute(id: string, requester: Requester): Promise<Delivery> {
    const delivery = await this.deliveries.findById(id);
    if (!delivery || !canSeeDeliveriesOf(requester, delivery.userId)) {
      throw new DeliveryNotFound(id);
    }
    return delivery;
  }
}
