import { AddressDto, CartResponseDto, OrderResponseDto } from '@app/contracts';
import { AuthenticatedUser } from '@app/platform';
import { Actor } from '../../application/dtos/actor';
import { PlacedOrder } from '../../application/ports/order-placement.port';
import { Cart, ShippingAddress } from '../../domain/entities/cart';

/** Wire ↔ domain for the cart API. Responses list their fields explicitly (a whitelist). */
export const CartPresenter = {
  toActor(user: AuthenticatedUser): Actor {
    return { userId: user.id, isAdmin: user.role === 'admin', token: user.token };
  },

  toShippingAddress(dto: AddressDto | undefined): ShippingAddress | null {
    if (!dto) return null;
    return {
      street: dto.street,
      city: dto.city,
      postalCode: dto.postal_code,
      country: dto.country,
    };
  },

  toResponse(cart: Cart): CartResponseDto {
    return {
      id: cart.id,
      user_id: cart.userId,
      status: cart.status,
      items: cart.items.map((line) => ({
        product_id: line.productId,
        name: line.name,
        unit_price: line.unitPrice.toNumber(),
        quantity: line.quantity,
        subtotal: line.subtotal.toNumber(),
      })),
      total: cart.total.toNumber(),
      order_id: cart.orderId,
      created_at: cart.createdAt.toISOString(),
      updated_at: cart.updatedAt.toISOString(),
    };
  },

  toOrderResponse(order: PlacedOrder): OrderResponseDto {
    const address = order.shippingAddress;
    return {
      id: order.id,
      user_id: order.userId,
      items: order.lines.map((line) => ({
        product_id: line.productId,
        name: line.name,
        quantity: line.quantity,
        price: line.unitPrice.toNumber(),
        subtotal: line.subtotal.toNumber(),
      })),
      total: order.total.toNumber(),
      status: order.status as OrderResponseDto['status'],
      shipping_address: address
        ? {
            street: address.street,
            city: address.city,
            postal_code: address.postalCode,
            country: address.country,
          }
        : null,
      created_at: order.createdAt.toISOString(),
      updated_at: order.updatedAt.toISOString(),
    };
  },
};
