import type { Provider } from '@nestjs/common';
import { EventOutbox } from '@app/kernel';
import { MessagingSettings } from '../../messaging/messaging.config';
import { InMemoryEventOutbox } from './in-memory-event-outbox';
import { MemoryOutboxQueue } from './memory-outbox-queue';
import { MemoryOutboxRelay } from './memory-outbox-relay';

/** The EventOutbox of a service that produces events and has no database: queue, relay, port. */
export function memoryOutboxProviders(settings: MessagingSettings): Provider[] {
  return [
    // one queue per application instance (a restarted test service starts empty, like a process)
    {
      provide: MemoryOutboxQueue,
      useFactory: () => new MemoryOutboxQueue(settings.memoryCapacity),
    },
    MemoryOutboxRelay,
    { provide: EventOutbox, useClass: InMemoryEventOutbox },
  ];
}
