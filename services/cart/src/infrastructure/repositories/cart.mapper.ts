import { Money } from '@app/kernel';
import { Cart, ShippingAddress } from '../../domain/entities/cart';
import { CartLine } from '../../domain/entities/cart-line';
import type { StoredAddress } from '../database/cart.orm-entity';
import type { CartRow, ItemRow } from './cart.sql';

export const CartMapper = {
  toDomain(row: CartRow, items: ItemRow[]): Cart {
    const stored = row.pending_shipping_address;
    const pending =
      row.pending_checkout_attempt !== null && row.pending_checkout_started_at !== null
        ? {
            attempt: row.pending_checkout_attempt,
            shippingAddress: stored
              ? {
                  street: stored.street,
                  city: stored.city,
                  postalCode: stored.postal_code,
                  country: stored.country,
                }
              : null,
            startedAt: row.pending_checkout_started_at,
          }
        : null;
    return Cart.restore({
      id: row.id,
      userId: row.user_id,
      status: row.status,
      lines: items.map((item) =>
        CartLine.restore({
          productId: item.product_id,
          name: item.name,
          unitPrice: Money.fromDecimal(item.unit_price),
          quantity: item.quantity,
          addedAt: new Date(item.added_at),
        }),
      ),
      orderId: row.order_id,
      checkoutAttempts: row.checkout_attempts,
      pendingCheckout: pending,
      createdAt: row.created_at,
      updatedAt: row.updated_at,
    });
  },

  toRow(cart: Cart): CartRow {
    const pending = cart.pendingCheckout;
    return {
      id: cart.id,
      user_id: cart.userId,
      status: cart.status,
      order_id: cart.orderId,
      checkout_attempts: cart.checkoutAttempts,
      pending_checkout_attempt: pending?.attempt ?? null,
      pending_shipping_address: pending?.shippingAddress ? toStored(pending.shippingAddress) : null,
      pending_checkout_started_at: pending?.startedAt ?? null,
      created_at: cart.createdAt,
      updated_at: cart.updatedAt,
    };
  },

  toItemRows(cart: Cart): Array<ItemRow & { added_at: Date }> {
    return cart.items.map((line) => ({
      product_id: line.productId,
      name: line.name,
      unit_price: line.unitPrice.toDecimalString(),
      quantity: line.quantity,
      added_at: line.addedAt,
    }));
  },

  /** Equal for two states of a cart exactly when their stored lines are equal. */
  linesSignature(cart: Cart): string {
    return JSON.stringify(
      CartMapper.toItemRows(cart).map((item) => [
        item.product_id,
        item.name,
        item.unit_price,
        item.quantity,
        item.added_at.getTime(),
      ]),
    );
  },
};

function toStored(address: ShippingAddress): StoredAddress {
  return {
    street: address.street,
    city: address.city,
    postal_code: address.postalCode,
    country: address.country,
  };
}
