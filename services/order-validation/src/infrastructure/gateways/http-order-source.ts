import { Injectable } from '@nestjs/common';
import { OrderClient } from '@app/clients';
import { ORDER_AWAITING_PAYMENT, OrderResponseDto } from '@app/contracts';
import { Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import { OrderSource } from '../../application/ports/order-source.port';
import { OrderToValidate } from '../../domain/entities/order-to-validate';

/**
 * OrderSource over the order service, through the typed OrderClient (X-Service-Key; the route is
 * the client's): any order, whoever owns it; the access rule is ours.
 */
@Injectable()
export class HttpOrderSource extends OrderSource {
  constructor(private readonly orders: OrderClient) {
    super();
  }

  async findOrder(orderId: string): Promise<OrderToValidate | null> {
    const answer = await this.orders.getOrder(orderId);
    if (answer.ok) return toOrder(answer.body);
    if (answer.status === 404) return null;
    // 401 (a key the order service does not accept), 429, ...: we could not ask, which is not
    // "the order does not exist". 503, never valid:false.
    throw new UpstreamUnavailableError(
      'order',
      `The order service answered ${answer.status} when asked for order ${orderId}. Try again shortly.`,
    );
  }
}

function toOrder(dto: OrderResponseDto): OrderToValidate {
  try {
    return {
      id: dto.id.toLowerCase(),
      userId: dto.user_id.toLowerCase(),
      status: dto.status,
      awaitingPayment: dto.status === ORDER_AWAITING_PAYMENT,
      lines: dto.items.map((item) => ({
        productId: item.product_id.toLowerCase(),
        quantity: item.quantity,
        unitPrice: Money.fromDecimal(item.price),
      })),
      total: Money.fromDecimal(dto.total),
    };
  } catch {
    // a body without the fields of the contract (or a price that is no amount): unusable
    throw new UpstreamUnavailableError(
      'order',
      'The order service gave an answer that is not an order. Try again shortly.',
    );
  }
}
