import { OrderStatus } from './order-status';

export const ORDER_EVENT_TYPE_VALUES = [
  'created',
  'validated',
  'paid',
  'shipped',
  'delivered',
  'cancelled',
  'refunded',
] as const;
export type OrderEventType = (typeof ORDER_EVENT_TYPE_VALUES)[number];

/** References to the other services' records that caused an event. */
export interface OrderEventRefs {
  messageId?: string | null;
  paymentId?: string | null;
  deliveryId?: string | null;
}

/** One entry of the append-only history. `status` is the order's status after the event. */
export interface OrderEvent {
  id: string;
  orderId: string;
  type: OrderEventType;
  status: OrderStatus;
  cause: string;
  occurredAt: Date;
  messageId: string | null;
  paymentId: string | null;
  deliveryId: string | null;
}

/** The event that moves an order into a status (creada only by placing it). */
export const EVENT_TYPE_FOR_STATUS: Readonly<Record<OrderStatus, OrderEventType>> = {
  creada: 'created',
  pagada: 'paid',
  enviada: 'shipped',
  entregada: 'delivered',
  cancelada: 'cancelled',
};

/**
 * The status each event type leads to; null for events that record something without moving
 * the order (`validated` keeps it `creada`, `refunded` keeps it `cancelada`).
 */
export const STATUS_AFTER_EVENT: Readonly<Record<OrderEventType, OrderStatus | null>> = {
  created: 'creada',
  validated: null,
  paid: 'pagada',
  shipped: 'enviada',
  delivered: 'entregada',
  cancelled: 'cancelada',
  refunded: null,
};
