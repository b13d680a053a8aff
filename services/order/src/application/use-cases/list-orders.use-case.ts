import { Injectable } from '@nestjs/common';
import { OrderStatus } from '../../domain/entities/order-status';
import { OrderPage, OrderRepository } from '../../domain/repositories/order.repository';
import { Requester } from '../dtos/requester';

export interface ListOrdersQuery {
  requester: Requester;
  userId?: string;
  status?: OrderStatus;
  limit: number;
  offset: number;
}

/** A customer lists their own orders whatever `user_id` says; admin lists all, filtered. */
@Injectable()
export class ListOrdersUseCase {
  constructor(private readonly orders: OrderRepository) {}

  async execute(query: ListOrdersQuery): Promise<OrderPage> {
    let userId = query.userId;
    if (!query.requester.isAdmin) {
      if (userId !== undefined && userId.toLowerCase() !== query.requester.id.toLowerCase()) {
        return { items: [], total: 0 };
      }
      userId = query.requester.id;
    }
    return this.orders.list({
      userId,
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
  }
}
