// Ports for events that must reach other services even if they are down right now.

/**
 * Inbox: records a received message id in the caller's transaction. `firstDelivery` is true
 * once per id, so the effect of a message redelivered or replayed is applied once.
 */
export abstract class MessageInbox {
  /** `consumer` scopes the id: one service may apply the same event in several handlers. */
  abstract firstDelivery(messageId: string, consumer?: string): Promise<boolean>;
}

/** A fact another service may need, in the producer's words (see the catalogue in contracts). */
export interface IntegrationEvent {
  /** the catalogue's type, e.g. `payment.approved` */
  type: string;
  /** the aggregate it is about (the order id): one subject's events are delivered in order */
  subject: string;
  /** the payload of the type's current version */
  payload: Record<string, unknown>;
}

/**
 * Publishes integration events through the transactional outbox: `publish` writes them in the
 * caller's transaction, so they exist if and only if the state change does, and are delivered
 * to their consumers (HTTP push or the broker) until acknowledged.
 */
export abstract class EventOutbox {
  abstract publish(...events: IntegrationEvent[]): Promise<void>;
}
