import { Inject, Injectable } from '@nestjs/common';
import { EventOutbox, IntegrationEvent } from '@app/kernel';
import { PlatformConfig } from '../../config/platform.config';
import { EVENT_TRANSPORT, EventTransportKind } from '../event-routing';
import { addressedEvents } from '../integration-envelope';
import { MemoryOutboxQueue, QueuedEvent } from './memory-outbox-queue';
import { MemoryOutboxRelay } from './memory-outbox-relay';

/**
 * The EventOutbox of a service without a database (order-validation): the same envelopes as
 * the PostgreSQL outbox (`addressedEvents`: checked against the catalogue), held in a
 * bounded queue in memory, one message per destination, and delivered by MemoryOutboxRelay.
 * There is no transaction to join: `publish` resolves once the events are queued, and a full
 * queue refuses the whole publish (EventBacklogFullError, a 503). Lost on a crash, like the
 * rest of the service's state (docs/messaging.md "Services without a database").
 */
@Injectable()
export class InMemoryEventOutbox extends EventOutbox {
  constructor(
    private readonly queue: MemoryOutboxQueue,
    private readonly relay: MemoryOutboxRelay,
    private readonly config: PlatformConfig,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransportKind,
  ) {
    super();
  }

  async publish(...events: IntegrationEvent[]): Promise<void> {
    const now = Date.now();
    const messages: QueuedEvent[] = addressedEvents(
      events,
      this.config.service,
      this.transport,
    ).map((addressed) => ({
      ...addressed,
      fallbackRequestId: `outbox-${addressed.envelope.id}`,
      attempts: 0,
      nextAttemptAt: now,
    }));
    if (messages.length === 0) return;
    this.queue.add(messages);
    this.relay.wake();
  }
}
