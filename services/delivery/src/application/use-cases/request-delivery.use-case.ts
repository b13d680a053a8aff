import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { PaidOrders } from '../../domain/repositories/paid-orders.repository';
import { DeliveryOpener } from '../delivery-opener';
import { RequestDeliveryCommand, RequestDeliveryResult } from '../dtos/delivery-commands';
import { canSeeDeliveriesOf } from '../dtos/requester';
import { OrderNotFound, OrderNotPaid } from '../errors/delivery-request.errors';
import { OrderDirectory } from '../ports/order-directory.port';

/**
 * `POST /deliveries` by the order's owner (or admin). The order is read from the order service
 * with the caller's own token, so it answers 404 for an order that is not theirs. An order that
 * has a delivery gets it back as it is (idempotent per order, whatever address is sent); else the
 * order must be known paid (`order.paid`) and not cancelled (`order.cancelled`), 422
 * order-not-paid otherwise, and a `pendiente` delivery is opened.
 */
@Injectable()
export class RequestDeliveryUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderDirectory,
    private readonly opener: DeliveryOpener,
    private readonly paidOrders: PaidOrders,
  ) {}

  async execute(command: RequestDeliveryCommand): Promise<RequestDeliveryResult> {
    // Outside the transaction: no connection is held while the order service answers.
    const order = await this.orders.findForUser(command.orderId, command.userToken);
    if (!order || !canSeeDeliveriesOf(command.requester, order.userId)) {
      throw new OrderNotFound(command.orderId);
    }
    return this.uow.run(async () => {
      await this.opener.lock(order.id);
      const state = await this.opener.stateOf(order.id);
      if (state.kind === 'existing') return { created: false, delivery: state.delivery };
      if (state.kind === 'order_cancelled') throw new OrderNotPaid(order.id, true);
      if (!(await this.paidOrders.isPaid(order.id))) throw new OrderNotPaid(order.id, false);
      return this.opener.open({
        orderId: order.id,
        userId: order.userId.toLowerCase(),
        address: command.address,
      });
    });
  }
}
