import { Injectable, Logger } from '@nestjs/common';
import { OrderClient } from '@app/clients';
import { UpstreamUnavailableError } from '@app/platform';
import { OrderServiceRefusedToken } from '../../application/errors/delivery-request.errors';
import { OrderDirectory, OrderSnapshot } from '../../application/ports/order-directory.port';

/**
 * OrderDirectory over the order service's user API (`GET /orders/{id}` with the caller's token),
 * through the typed OrderClient. 404 (no such order, or another customer's) is null; 401 is the
 * token refused; any other answer this service cannot act on is the order service failing us (503).
 */
@Injectable()
export class HttpOrderDirectory extends OrderDirectory {
  private readonly logger = new Logger(HttpOrderDirectory.name);

  constructor(private readonly orders: OrderClient) {
    super();
  }

  async findForUser(orderId: string, userToken: string): Promise<OrderSnapshot | null> {
    const answer = await this.orders.getOrder(orderId, { userToken });
    if (answer.ok) {
      const body = answer.body;
      if (typeof body?.id !== 'string' || typeof body.user_id !== 'string') {
        throw this.unusable(orderId, 'a malformed order');
      }
      return { id: body.id.toLowerCase(), userId: body.user_id.toLowerCase() };
    }
    if (answer.status === 404) return null;
    if (answer.status === 401) throw new OrderServiceRefusedToken();
    throw this.unusable(orderId, `status ${answer.status}`);
  }

  private unusable(orderId: string, what: string): UpstreamUnavailableError {
    this.logger.error(
      { upstream: 'order', order_id: orderId, answer: what },
      'Unusable answer from the order service',
    );
    return new UpstreamUnavailableError('order');
  }
}
