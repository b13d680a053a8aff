/** The one endpoint every consumer serves for HTTP push (SPEC "Events"). */
export const EVENTS_PATH = '/api/v1/internal/events';

/** The outbox destination of an event published through the broker (one row per event). */
export const BROKER_DESTINATION = '@broker';

/** How this process delivers events it publishes: by HTTP push, or through RabbitMQ. */
export type EventTransportKind = 'http' | 'broker';
export const EVENT_TRANSPORT = Symbol('EVENT_TRANSPORT');
