import { Injectable } from '@nestjs/common';
import { OrderClient } from '@app/clients';
import { ORDER_CANCELLED } from '@app/contracts';
import { Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import { OrderServiceRefusedToken } from '../../application/errors/payment-request.errors';
import { OrderDirectory } from '../../application/ports/order-directory.port';
import { PayableOrder } from '../../domain/entities/payable-order';

/**
 * OrderDirectory over the order service's public API, through the typed OrderClient, with the
 * caller's own token: the order service answers 404 for another customer's order, so the
 * payment service never decides ownership from data it was not allowed to see.
 */
@Injectable()
export class HttpOrderDirectory extends OrderDirectory {
  constructor(private readonly orders: OrderClient) {
    super();
  }

  async findForCaller(orderId: string, userToken: string): Promise<PayableOrder | null> {
    const answer = await this.orders.getOrder(orderId, { userToken });
    if (answer.ok) {
      return {
        id: answer.body.id,
        userId: answer.body.user_id,
        total: Money.fromDecimal(answer.body.total),
        cancelled: answer.body.status === ORDER_CANCELLED,
      };
    }
    if (answer.status === 404 || answer.status === 400) return null;
    if (answer.status === 401) throw new OrderServiceRefusedToken();
    // 403, 429 or anything unexpected: the order service is failing us, not the caller's fault
    throw new UpstreamUnavailableError(
      'order',
      `The order service answered ${answer.status} when asked for order ${orderId}.`,
    );
  }
}
