import { Money } from '@app/kernel';
import { Cart, ShippingAddress } from '../../domain/entities/cart';
import { CartLine } from '../../domain/entities/cart-line';
import { CartItemOrmEntity } from '../database/cart-item.orm-entity';
import { CartOrmEntity, StoredAddress } from '../database/cart.orm-entity';

export const CartMapper = {
  toDomain(row: CartOrmEntity, items: CartItemOrmEntity[]): Cart {
    const pending =
      row.pendingCheckoutAttempt !== null && row.pendingCheckoutStartedAt !== null
        ? {
            attempt: row.pendingCheckoutAttempt,
            shippingAddress: row.pendingShippingAddress
              ? {
                  street: row.pendingShippingAddress.street,
                  city: row.pendingShippingAddress.city,
                  postalCode: row.pendingShippingAddress.postal_code,
                  country: row.pendingShippingAddress.country,
                }
              : null,
            startedAt: row.pendingCheckoutStartedAt,
          }
        : null;
    return Cart.restore({
      id: row.id,
      userId: row.userId,
      status: row.status,
      lines: items.map((item) =>
        CartLine.restore({
          productId: item.productId,
          name: item.name,
          unitPrice: Money.fromDecimal(item.unitPrice),
          quantity: item.quantity,
          addedAt: item.addedAt,
        }),
      ),
      orderId: row.orderId,
      checkoutAttempts: row.checkoutAttempts,
      pendingCheckout: pending,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toOrm(cart: Cart): CartOrmEntity {
    const row = new CartOrmEntity();
    const pending = cart.pendingCheckout;
    row.id = cart.id;
    row.userId = cart.userId;
    row.status = cart.status;
    row.orderId = cart.orderId;
    row.checkoutAttempts = cart.checkoutAttempts;
    row.pendingCheckoutAttempt = pending?.attempt ?? null;
    row.pendingShippingAddress = pending?.shippingAddress
      ? toStored(pending.shippingAddress)
      : null;
    row.pendingCheckoutStartedAt = pending?.startedAt ?? null;
    row.createdAt = cart.createdAt;
    row.updatedAt = cart.updatedAt;
    return row;
  },

  toItemRows(cart: Cart): CartItemOrmEntity[] {
    return cart.items.map((line) => {
      const row = new CartItemOrmEntity();
      row.cartId = cart.id;
      row.productId = line.productId;
      row.name = line.name;
      row.unitPrice = line.unitPrice.toDecimalString();
      row.quantity = line.quantity;
      row.addedAt = line.addedAt;
      return row;
    });
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
