import type { EventEnvelope } from '@app/contracts';

/**
 * What a consumer made of one delivered event:
 * - `done`: applied, or already applied (a duplicate): acknowledge it;
 * - `retry`: could not be applied now (database or upstream down, the order not there yet):
 *   deliver it again later;
 * - `reject`: can never be applied (not an envelope, unknown type or version, invalid payload):
 *   dead-letter it at once for an operator.
 * A handler that throws counts as `retry`.
 */
export type HandleResult = 'done' | 'retry' | 'reject';

export type EventHandlerFn = (message: unknown) => Promise<HandleResult>;

/** A message that exhausted its retries or was rejected, as the admin endpoint lists it. */
export interface DeadLetter {
  /** the broker-side handle used to re-drive it */
  id: string;
  event_id: string | null;
  type: string | null;
  reason: string;
  attempts: number;
  dead_lettered_at: string;
}

/**
 * A message broker carrying integration events (RabbitMQ when AMQP_URL is set). The outbox
 * relay publishes through it; each consuming service reads its own queue through it.
 */
export abstract class EventBroker {
  private readonly reconnectListeners: Array<() => void> = [];

  /** Calls `listener` each time the connection comes back after a loss (not at the first). */
  onReconnected(listener: () => void): void {
    this.reconnectListeners.push(listener);
  }

  protected reconnected(): void {
    for (const listener of this.reconnectListeners) listener();
  }

  /** Resolves once the broker has confirmed the event (publisher confirm); rejects otherwise. */
  abstract publish(envelope: EventEnvelope): Promise<void>;

  /**
   * Starts consuming `service`'s durable queue, bound to `types`. Each message is acknowledged
   * only after `handle` resolved `done` (its transaction committed); `retry` redelivers it after
   * a delay, up to a bound, then dead-letters it; `reject` dead-letters it at once.
   */
  abstract consume(
    service: string,
    types: readonly string[],
    handle: EventHandlerFn,
  ): Promise<void>;

  /** `service`'s dead-lettered messages, oldest first. */
  abstract deadLetters(service: string, limit: number, offset: number): Promise<DeadLetter[]>;

  /** Puts one dead-lettered message back on `service`'s queue; false if there is none by that id. */
  abstract redrive(service: string, id: string): Promise<boolean>;

  abstract close(): Promise<void>;
}
