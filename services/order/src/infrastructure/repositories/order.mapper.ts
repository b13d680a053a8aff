import { Money } from '@app/kernel';
import { Order } from '../../domain/entities/order';
import { OrderEvent, OrderEventType } from '../../domain/entities/order-event';
import { OrderStatus } from '../../domain/entities/order-status';
import { OrderEventOrmEntity } from '../database/order-event.orm-entity';
import { OrderItemOrmEntity } from '../database/order-item.orm-entity';
import { AddressColumn, OrderOrmEntity } from '../database/order.orm-entity';

export const OrderMapper = {
  toDomain(row: OrderOrmEntity, items: OrderItemOrmEntity[]): Order {
    const address = row.shippingAddress;
    return Order.restore({
      id: row.id,
      userId: row.userId,
      status: row.status as OrderStatus,
      lines: [...items]
        .sort((a, b) => a.lineNo - b.lineNo)
        .map((item) => ({
          productId: item.productId,
          name: item.name,
          unitPrice: Money.fromDecimal(item.unitPrice),
          quantity: item.quantity,
        })),
      shippingAddress: address
        ? {
            street: address.street,
            city: address.city,
            postalCode: address.postal_code,
            country: address.country,
          }
        : null,
      createdAt: row.createdAt,
      updatedAt: row.updatedAt,
    });
  },

  toOrm(order: Order): OrderOrmEntity {
    const row = new OrderOrmEntity();
    const address = order.shippingAddress;
    row.id = order.id;
    row.userId = order.userId;
    row.status = order.status;
    row.total = order.total.toDecimalString();
    row.shippingAddress = address
      ? ({
          street: address.street,
          city: address.city,
          postal_code: address.postalCode,
          country: address.country,
        } satisfies AddressColumn)
      : null;
    row.createdAt = order.createdAt;
    row.updatedAt = order.updatedAt;
    return row;
  },

  toItemRows(order: Order): OrderItemOrmEntity[] {
    return order.lines.map((line, index) => {
      const row = new OrderItemOrmEntity();
      row.orderId = order.id;
      row.lineNo = index + 1;
      row.productId = line.productId;
      row.name = line.name;
      row.unitPrice = line.unitPrice.toDecimalString();
      row.quantity = line.quantity;
      row.subtotal = Order.subtotal(line).toDecimalString();
      return row;
    });
  },

  eventToDomain(row: OrderEventOrmEntity): OrderEvent {
    return {
      id: row.id,
      orderId: row.orderId,
      type: row.type as OrderEventType,
      status: row.status as OrderStatus,
      cause: row.cause,
      occurredAt: row.occurredAt,
      messageId: row.messageId,
      paymentId: row.paymentId,
      deliveryId: row.deliveryId,
    };
  },
};
