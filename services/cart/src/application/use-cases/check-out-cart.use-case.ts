import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Cart, CheckoutRequest, ShippingAddress } from '../../domain/entities/cart';
import { CheckoutByOwnerOnly } from '../../domain/errors/cart.errors';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';
import { OrderNotFound, OrderRefused } from '../errors/checkout.errors';
import { OrderPlacement, PlacedOrder } from '../ports/order-placement.port';

export interface CheckOutCartCommand {
  cartId: string;
  actor: Actor;
  shippingAddress: ShippingAddress | null;
}

export interface CheckOutCartResult {
  order: PlacedOrder;
  /** true when this request started the checkout that made the order; false for a repeat */
  created: boolean;
}

/** The order service's Idempotency-Key for one checkout attempt of one cart. */
export function checkoutIdempotencyKey(cartId: string, attempt: number): string {
  return `cart-${cartId}-${attempt}`;
}

/**
 * Cart → order, without ever making two orders of one cart:
 * 1. On the locked cart, start an attempt (numbered; the contents freeze while it is pending)
 *    or pick up the pending one. A checked-out cart just answers its order.
 * 2. Ask the order service, outside any transaction, with the attempt's idempotency key: the
 *    same key and contents replay the same order, also after a crash between 2 and 3.
 * 3. Record the order on the cart (checked_out). An outright refusal (stock, unknown product)
 *    ends the attempt instead and the cart is editable again; when the outcome is unknown
 *    (no answer), the attempt stays pending until a repeated checkout settles it.
 */
@Injectable()
export class CheckOutCartUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly carts: CartRepository,
    private readonly access: CartAccess,
    private readonly orders: OrderPlacement,
  ) {}

  async execute(command: CheckOutCartCommand): Promise<CheckOutCartResult> {
    const step = await this.uow.run(async (): Promise<Begun | Done> => {
      const cart = await this.access.find(command.cartId, command.actor, { forUpdate: true });
      if (!cart.isOwnedBy(command.actor.userId)) throw new CheckoutByOwnerOnly(cart.id);
      if (cart.status === 'checked_out' && cart.orderId) return { done: cart.orderId };
      const request = cart.beginCheckout(command.shippingAddress);
      if (!request.repeated) await this.carts.save(cart);
      return { cart, request };
    });

    if ('done' in step) {
      const order = await this.orders.findOrder(step.done, command.actor.token);
      if (!order) throw new OrderNotFound(step.done);
      return { order, created: false };
    }

    const { cart, request } = step;
    let order: PlacedOrder;
    try {
      order = await this.orders.placeOrder({
        userId: cart.userId,
        lines: request.lines,
        shippingAddress: request.shippingAddress,
        userToken: command.actor.token,
        idempotencyKey: checkoutIdempotencyKey(cart.id, request.attempt),
      });
    } catch (error) {
      if (error instanceof OrderRefused) await this.abandon(cart.id, request.attempt);
      throw error;
    }

    const completedNow = await this.uow.run(async () => {
      const locked = await this.carts.findById(cart.id, { forUpdate: true });
      if (!locked) throw new Error(`cart ${cart.id} vanished during its checkout`);
      const ordered = order.lines.map((line) => ({
        productId: line.productId,
        name: line.name,
        unitPrice: line.unitPrice,
      }));
      if (!locked.completeCheckout(order.id, ordered)) return false;
      await this.carts.save(locked);
      return true;
    });
    return { order, created: completedNow && !request.repeated };
  }

  private abandon(cartId: string, attempt: number): Promise<void> {
    return this.uow.run(async () => {
      const cart = await this.carts.findById(cartId, { forUpdate: true });
      if (cart?.abandonCheckout(attempt)) await this.carts.save(cart);
    });
  }
}

interface Begun {
  cart: Cart;
  request: CheckoutRequest;
}

interface Done {
  done: string;
}
