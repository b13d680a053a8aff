import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Order } from '../../domain/entities/order';
import { OrderNotFound, RefundNotAvailable } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { Requester, canSeeOrdersOf } from '../dtos/requester';
import { ProductCatalog } from '../ports/product-catalog.port';

/**
 * A customer (their own order) or admin cancels. From `creada`: the stock is released through
 * the product service while the order row is locked, then the `cancelled` event and the status
 * commit together; if the product service is down the transaction rolls back (503, nothing
 * changed). From `pagada`: 409 until the payment service can refund. Otherwise 409
 * illegal-transition.
 */
@Injectable()
export class CancelOrderUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly catalog: ProductCatalog,
  ) {}

  execute(id: string, requester: Requester): Promise<Order> {
    return this.uow.run(async () => {
      const order = await this.orders.findByIdForUpdate(id);
      if (!order || !canSeeOrdersOf(requester, order.userId)) throw new OrderNotFound(id);
      if (order.status === 'pagada') throw new RefundNotAvailable(order.id);
      order.transitionTo(
        'cancelada',
        requester.isAdmin && !order.isOwnedBy(requester.id)
          ? 'cancelled by an administrator'
          : 'cancelled by the customer',
      );
      await this.catalog.releaseStock(order.id);
      await this.orders.saveChanges(order);
      return order;
    });
  }
}
