import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
  DomainError,
  IdempotencyKeyInFlight,
  IdempotencyScope,
  IdempotencyStore,
  UnitOfWork,
  replayOf,
  settleFailedRequest,
} from '@app/kernel';
import { Order, OrderLine } from '../../domain/entities/order';
import { ProductNotFound } from '../../domain/errors/order.errors';
import { OrderRepository } from '../../domain/repositories/order.repository';
import { PlaceOrderCommand, PlaceOrderResult } from '../dtos/place-order.command';
import { OrderForAnotherUser } from '../errors/order-request.errors';
import { OrderOutbox } from '../ports/order-outbox.port';
import { ProductCatalog } from '../ports/product-catalog.port';
import { canSeeOrdersOf } from '../dtos/requester';

/**
 * Places an order as a small saga: price from the catalog → reserve stock (product service) →
 * store the order with its `created` event and `order.placed` (outbox). The order id is generated first and is the
 * reservation's idempotency key. If storing fails after the reservation, the reservation is
 * released (compensation) and the error answered; if the catalog is unreachable, nothing is
 * stored (503). With an Idempotency-Key, the stored answer commits in the order's transaction,
 * so one key yields at most one order.
 */
@Injectable()
export class PlaceOrderUseCase {
  private readonly logger = new Logger(PlaceOrderUseCase.name);

  constructor(
    private readonly uow: UnitOfWork,
    private readonly orders: OrderRepository,
    private readonly catalog: ProductCatalog,
    private readonly idempotency: IdempotencyStore,
    private readonly outbox: OrderOutbox,
  ) {}

  async execute(command: PlaceOrderCommand): Promise<PlaceOrderResult> {
    if (!canSeeOrdersOf(command.requester, command.userId)) throw new OrderForAnotherUser();
    if (!command.idempotency) return { kind: 'created', order: await this.place(command) };

    const scope: IdempotencyScope = { callerId: command.requester.id, ...command.idempotency };
    const claim = await this.idempotency.claim(scope);
    // in flight (409), another body (422), a stored refusal (thrown again) or a stored answer
    if (claim.kind !== 'acquired') return { kind: 'replayed', ...replayOf(claim) };

    const token = claim.token;
    try {
      const order = await this.place(command, async (placed) => {
        const stored = await this.idempotency.complete(scope, token, {
          kind: 'response',
          status: 201,
          body: command.present(placed),
        });
        // our lease ran out and another request owns the key: this order must not exist
        if (!stored) throw new IdempotencyKeyInFlight();
      });
      return { kind: 'created', order };
    } catch (error) {
      await this.settleKey(scope, token, error);
      throw error;
    }
  }

  /**
   * Business refusals (unknown product, short stock, …) are stored and replayed; anything
   * else (503, a bug) forgets the key so that a retry runs again.
   */
  private async settleKey(scope: IdempotencyScope, token: string, error: unknown): Promise<void> {
    if (error instanceof IdempotencyKeyInFlight) return; // the key is another request's now
    try {
      await settleFailedRequest(
        this.idempotency,
        scope,
        token,
        error,
        (refusal) => refusal.kind !== 'unavailable',
      );
    } catch (settleError) {
      // the lease expires on its own; a retry then takes the key over
      this.logger.warn(
        { err_class: errorClass(settleError) },
        'Could not settle an idempotency key',
      );
    }
  }

  private async place(
    command: PlaceOrderCommand,
    alsoInTransaction?: (order: Order) => Promise<void>,
  ): Promise<Order> {
    const orderId = randomUUID();
    const ids = command.items.map((item) => item.productId);
    const products = await this.catalog.findProducts(ids);
    const unknown = ids.filter((id) => !products.has(id));
    if (unknown.length > 0) throw new ProductNotFound(unknown);

    const lines: OrderLine[] = command.items.map((item) => {
      const product = products.get(item.productId)!;
      return {
        productId: item.productId,
        name: product.name,
        unitPrice: product.price,
        quantity: item.quantity,
      };
    });
    const order = Order.place({
      id: orderId,
      userId: command.userId,
      lines,
      shippingAddress: command.shippingAddress,
    });

    try {
      await this.catalog.reserveStock(orderId, command.items);
    } catch (error) {
      // A refusal reserved nothing. Unreachable: the reservation may have been made before the
      // answer was lost, so give it back (a no-op when there is none).
      if (!(error instanceof DomainError)) await this.compensate(orderId);
      throw error;
    }

    try {
      await this.uow.run(async () => {
        await this.orders.insert(order);
        await this.outbox.publish(order.pullFacts());
        await alsoInTransaction?.(order);
      });
    } catch (error) {
      await this.compensate(orderId);
      throw error;
    }
    return order;
  }

  private async compensate(orderId: string): Promise<void> {
    try {
      await this.catalog.releaseStock(orderId);
    } catch (error) {
      // Logged loudly for an operator, not queued in the outbox: for an order that was never
      // stored the product service most often has no reservation (404), which the relay would
      // count as a failure and retry until it is dead-lettered (docs/order-service.md).
      this.logger.error(
        { order_id: orderId, err_class: errorClass(error) },
        'Stock reserved for an order that was not stored could not be released',
      );
    }
  }
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
