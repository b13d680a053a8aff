import { randomUUID } from 'node:crypto';
import { Injectable, Logger } from '@nestjs/common';
import {
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
import { PlacementAbandoned } from '../errors/placement.errors';
import { PlacementSettings } from '../placement-settings';
import { OrderOutbox } from '../ports/order-outbox.port';
import { OrderPlacements } from '../ports/order-placements.port';
import { CatalogProduct, ProductCatalog } from '../ports/product-catalog.port';
import { canSeeOrdersOf } from '../dtos/requester';

/**
 * Places an order as a small saga (docs/saga.md): record the placement (committed) → reserve
 * stock (product service), which answers the catalog's prices → store the order with its `created` event and
 * `order.placed` (outbox), deleting the placement record in the same transaction. The order id
 * is generated first and is the reservation's idempotency key. Any failure after the record
 * gives the stock back (compensation); if that cannot be done now, or the process dies, the
 * record stays and RecoverPlacementsUseCase gives it back later, so no stock stays reserved
 * without an order. With an Idempotency-Key, the stored answer commits in the order's
 * transaction, so one key yields at most one order.
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
    private readonly placements: OrderPlacements,
    private readonly settings: PlacementSettings,
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
    // The intent first, committed: from here on, a crash leaves a record that recovery finds.
    await this.placements.begin(
      {
        orderId,
        userId: command.userId,
        items: command.items.map(({ productId, quantity }) => ({ productId, quantity })),
      },
      this.settings.timeoutSeconds,
    );
    try {
      // The reservation answers each product's name and price: the order is priced from it,
      // with no separate catalog lookup (one call to the product service per order, not two).
      const reserved = await this.catalog.reserveStock(orderId, command.items);
      const order = Order.place({
        id: orderId,
        userId: command.userId,
        lines: await this.priced(command.items, reserved),
        shippingAddress: command.shippingAddress,
      });
      await this.uow.run(async () => {
        // first, so that the placement's row is locked before anything is written
        if (!(await this.placements.complete(orderId))) throw new PlacementAbandoned();
        await this.orders.insert(order);
        await this.outbox.publish(order.pullFacts());
        await alsoInTransaction?.(order);
      });
      return order;
    } catch (error) {
      await this.giveBack(orderId);
      throw error;
    }
  }

  /** Lines priced by the reservation; any it did not price, by the catalog (an older service). */
  private async priced(
    items: PlaceOrderCommand['items'],
    reserved: Map<string, CatalogProduct>,
  ): Promise<OrderLine[]> {
    const missing = items.map((item) => item.productId).filter((id) => !reserved.has(id));
    const looked = missing.length > 0 ? await this.catalog.findProducts(missing) : new Map();
    const unknown = missing.filter((id) => !looked.has(id));
    if (unknown.length > 0) throw new ProductNotFound(unknown);
    return items.map((item) => {
      const product = reserved.get(item.productId) ?? looked.get(item.productId)!;
      return {
        productId: item.productId,
        name: product.name,
        unitPrice: product.price,
        quantity: item.quantity,
      };
    });
  }

  /**
   * Whatever went wrong after the placement was recorded (a refusal, a lost answer, a failed or
   * refused commit), the stock is given back unless the order was stored after all. A refusal
   * is no proof that nothing was reserved: an earlier attempt of the same reservation (retried
   * after a timeout) may still land. The release answers for all cases: it gives back what was
   * reserved, and its tombstone refuses what is still on its way. When the release cannot be
   * confirmed now (product down), the placement stays recorded and the recovery retries it.
   */
  private async giveBack(orderId: string): Promise<void> {
    let ours: boolean;
    try {
      ours = await this.placements.abandon(orderId, this.settings.timeoutSeconds);
    } catch (error) {
      // the database is unreachable: the record, if the order was not stored, waits for recovery
      this.logger.warn(
        { order_id: orderId, err_class: errorClass(error) },
        'Could not take a failed placement over; the placement recovery will release its stock',
      );
      return;
    }
    if (!ours) return; // the order was stored after all, or its stock was given back already
    try {
      await this.catalog.releaseStock(orderId);
    } catch (error) {
      this.logger.warn(
        { order_id: orderId, err_class: errorClass(error) },
        'Stock of a failed placement not released yet; the placement recovery will retry',
      );
      await this.placements.retryNextPass(orderId).catch(() => undefined); // else after its lease
      return;
    }
    await this.placements.remove(orderId).catch(() => undefined); // else recovery releases again
  }
}

function errorClass(error: unknown): string {
  return error instanceof Error ? error.constructor.name : typeof error;
}
