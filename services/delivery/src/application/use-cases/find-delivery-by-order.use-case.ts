import { Injectable } from '@nestjs/common';
import { Delivery } from '../../domain/entities/delivery';
import { NoDeliveryForOrder } from '../../domain/errors/delivery.errors';
import { DeliveryRepository } from '../../domain/repositories/delivery.repository';

/** The delivery of an order, for a calling service (no user involved); 404 when none. */
@Injectable()
export class FindDeliveryByOrderUseCase {
  constructor(private readonly deliveries: DeliveryRepository) {}

  async execute(orderId: string): Promise<Delivery> {
    const delivery = await this.deliveries.findByOrderId(orderId);
    if (!delivery) throw new NoDeliveryForOrder(orderId);
    return delivery;
  }
}
