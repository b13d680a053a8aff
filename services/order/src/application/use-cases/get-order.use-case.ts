import { Injectable } from '@nestjs/common';
import { Order } from '../../domain/entities/order';
import { OrderNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { Requester, canSeeOrdersOf } from '../dtos/requester';

/** One order: its owner or admin, or (no requester) a calling service. Others get 404. */
@Injectable()
export class GetOrderUseCase {
  constructor(private readonly orders: OrderRepository) {}

  async execute(id: string, requester?: Requester): Promise<Order> {
    const order = await this.orders.findById(id);
    if (!order || (requester && !canSeeOrdersOf(requester, order.userId))) {
      throw new OrderNotFound(id);
    }
    return order;
  }
}
