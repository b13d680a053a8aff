import {
  AddressDto,
  CreateOrderDto,
  OrderEventDto,
  OrderPageDto,
  OrderResponseDto,
} from '@app/contracts';
import { Order, ShippingAddress } from '../../domain/entities/order';
import { OrderEvent } from '../../domain/entities/order-event';
import { OrderPage } from '../../domain/repositories/order.repository';

/** Wire ↔ domain for the order API. Responses list their fields explicitly (a whitelist). */
export const OrderPresenter = {
  /** UUIDs compare case-insensitively; one spelling everywhere. Client prices are dropped here. */
  toItems(dto: CreateOrderDto): Array<{ productId: string; quantity: number }> {
    return dto.items.map((item) => ({
      productId: item.product_id.toLowerCase(),
      quantity: item.quantity,
    }));
  },

  toAddress(dto: AddressDto | undefined): ShippingAddress | null {
    if (!dto) return null;
    return {
      street: dto.street,
      city: dto.city,
      postalCode: dto.postal_code,
      country: dto.country,
    };
  },

  toResponse(order: Order): OrderResponseDto {
    const address = order.shippingAddress;
    return {
      id: order.id,
      user_id: order.userId,
      items: order.lines.map((line) => ({
        product_id: line.productId,
        name: line.name,
        quantity: line.quantity,
        price: line.unitPrice.toNumber(),
        subtotal: Order.subtotal(line).toNumber(),
      })),
      total: order.total.toNumber(),
      status: order.status,
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

  toPage(page: OrderPage, limit: number, offset: number): OrderPageDto {
    return {
      items: page.items.map((order) => OrderPresenter.toResponse(order)),
      total: page.total,
      limit,
      offset,
    };
  },

  toEvent(event: OrderEvent): OrderEventDto {
    return {
      id: event.id,
      order_id: event.orderId,
      type: event.type,
      status: event.status,
      cause: event.cause,
      occurred_at: event.occurredAt.toISOString(),
      message_id: event.messageId,
      payment_id: event.paymentId,
      delivery_id: event.deliveryId,
    };
  },
};
