import type { EventPayload, EventType } from '@app/contracts';

/** What a handler knows of the event besides its payload. */
export interface EventMeta {
  event_id: string;
  occurred_at: string;
  producer: string;
  version: number;
}

export type EventHandler<T extends EventType> = (
  payload: EventPayload<T>,
  meta: EventMeta,
) => Promise<void>;

export type EventHandlerMap = { [T in EventType]?: EventHandler<T> };

/**
 * A service's handlers, one per event type it consumes (the catalogue's list, no more, no less:
 * checked at start). Written in the service's interfaces layer; each calls a use case. A handler
 * runs inside the inbox's transaction: throw a DomainError `invalid` or `unprocessable` when the
 * event can never apply (dead-lettered at once), anything else to have it delivered again later.
 */
export abstract class EventHandlers {
  abstract readonly handlers: EventHandlerMap;
}
