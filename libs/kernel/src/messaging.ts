// Ports for messages that must reach another service even if it is down right now.

export interface OutgoingMessage {
  /** generated when absent; receivers use it to apply the message once */
  id?: string;
  /** what happened, e.g. `payment.approved` */
  type: string;
  /** ordering key: messages of one aggregate to one destination are delivered in order */
  aggregateId: string;
  /** the receiving service, e.g. `order` */
  destination: string;
  /** the receiver's internal endpoint, e.g. `/api/v1/internal/orders/<id>/status` */
  path: string;
  /** the JSON body; `message_id` is added to it on delivery */
  payload: Record<string, unknown>;
}

/**
 * Transactional outbox: `enqueue` writes the message in the caller's transaction, so it is
 * stored if and only if the state change is; a relay delivers it until acknowledged.
 */
export abstract class MessageOutbox {
  abstract enqueue(...messages: OutgoingMessage[]): Promise<void>;
}

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
