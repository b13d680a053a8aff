import { Injectable } from '@nestjs/common';
import { OrderEvent } from '../../domain/entities/order-event';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { Requester } from '../dtos/requester';
import { GetOrderUseCase } from './get-order.use-case';

/** An order's history, oldest first, for whoever may see the order. */
@Injectable()
export class GetOrderEventsUseCase {
  constructor(
    private readonly getOrder: GetOrderUseCase,
    private readonly orders: OrderRepository,
  ) {}

  async execute(id: string, requester?: Requester): Promise<OrderEvent[]> {
    const order = await this.getOrder.execute(id, requester);
    return this.orders.eventsOf(order.id);
  }
}
