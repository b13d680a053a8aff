import type { z } from 'zod';
import type { EventParty } from './event-envelope';
import * as payloads from './event-payloads';

export interface EventDefinition<S extends z.ZodType = z.ZodType> {
  /** the current version: what producers send */
  version: number;
  producer: EventParty;
  /** who subscribes, and what the event means to each (docs, AsyncAPI) */
  consumers: Partial<Record<EventParty, string>>;
  /** the fact, one line */
  summary: string;
  /** the payload of each version consumers accept, by version */
  payloads: Record<number, S>;
}

const define = <S extends z.ZodType>(definition: EventDefinition<S>) => definition;

/**
 * Every integration event of the platform: the single source for subscriptions (HTTP push
 * targets, RabbitMQ queue bindings), payload validation on receipt, docs/asyncapi.yaml and
 * docs/messaging.md. The subject of every event is its order id.
 */
export const EVENT_CATALOGUE = {
  'order.placed': define({
    version: 1,
    producer: 'order',
    consumers: {},
    summary: 'An order was stored with its lines, prices and total, status creada.',
    payloads: { 1: payloads.orderPlacedV1 },
  }),
  'order.validated': define({
    version: 1,
    producer: 'order-validation',
    consumers: { order: 'records the result in the order history' },
    summary: 'An order was checked against the catalog and its user: valid or not, and why.',
    payloads: { 1: payloads.orderValidatedV1 },
  }),
  'order.paid': define({
    version: 1,
    producer: 'order',
    consumers: {
      delivery: 'remembers the order paid; opens its delivery if it has a shipping address',
    },
    summary: 'An order became paid by an approved payment.',
    payloads: { 1: payloads.orderPaidV1 },
  }),
  'order.cancelled': define({
    version: 1,
    producer: 'order',
    consumers: {
      product: "releases the order's stock reservation",
      payment: "refunds the order's approved payment, if any, and takes no later payment of it",
      delivery: "cancels the order's delivery if it has not left",
    },
    summary: 'An order was cancelled (by its owner, an admin, or for lack of payment).',
    payloads: { 1: payloads.orderCancelledV1 },
  }),
  'payment.approved': define({
    version: 1,
    producer: 'payment',
    consumers: {
      order:
        'marks the order paid; an order cancelled meanwhile states its cancellation again ' +
        '(order.cancelled), so payment refunds',
    },
    summary: 'A payment of an order was approved by its gateway.',
    payloads: { 1: payloads.paymentApprovedV1 },
  }),
  'payment.declined': define({
    version: 1,
    producer: 'payment',
    consumers: {},
    summary: 'A payment of an order was declined by its gateway.',
    payloads: { 1: payloads.paymentDeclinedV1 },
  }),
  'payment.refunded': define({
    version: 1,
    producer: 'payment',
    consumers: { order: 'records the refund in the order history' },
    summary: 'An approved payment was refunded.',
    payloads: { 1: payloads.paymentRefundedV1 },
  }),
  'delivery.created': define({
    version: 1,
    producer: 'delivery',
    consumers: {},
    summary: 'A delivery was opened for a paid order.',
    payloads: { 1: payloads.deliveryCreatedV1 },
  }),
  'delivery.in_transit': define({
    version: 1,
    producer: 'delivery',
    consumers: { order: 'marks the order shipped' },
    summary: 'A delivery left the warehouse.',
    payloads: { 1: payloads.deliveryInTransitV1 },
  }),
  'delivery.delivered': define({
    version: 1,
    producer: 'delivery',
    consumers: { order: 'marks the order delivered' },
    summary: 'A delivery reached its address.',
    payloads: { 1: payloads.deliveryDeliveredV1 },
  }),
  'delivery.cancelled': define({
    version: 1,
    producer: 'delivery',
    consumers: {},
    summary: 'A delivery was cancelled before it left.',
    payloads: { 1: payloads.deliveryCancelledV1 },
  }),
} as const;

export type EventType = keyof typeof EVENT_CATALOGUE;

/** The payload type of an event at its current version. */
export type EventPayload<T extends EventType> = z.infer<
  (typeof EVENT_CATALOGUE)[T]['payloads'][(typeof EVENT_CATALOGUE)[T]['version']]
>;

export const EVENT_TYPES = Object.keys(EVENT_CATALOGUE) as EventType[];

/** The event types a service consumes. */
export function eventsConsumedBy(service: EventParty): EventType[] {
  return EVENT_TYPES.filter((type) => service in EVENT_CATALOGUE[type].consumers);
}

/** The services that consume an event type. */
export function consumersOf(type: EventType): EventParty[] {
  return Object.keys(EVENT_CATALOGUE[type].consumers) as EventParty[];
}

export function isEventType(type: string): type is EventType {
  return Object.hasOwn(EVENT_CATALOGUE, type);
}
