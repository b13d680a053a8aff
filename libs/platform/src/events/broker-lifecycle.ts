import { Injectable, OnApplicationShutdown } from '@nestjs/common';
import { EventBroker } from './event-broker';

/** Closes the broker connection last: consumers drain their handlers, unsent publishes fail. */
@Injectable()
export class BrokerLifecycle implements OnApplicationShutdown {
  constructor(private readonly broker: EventBroker) {}

  async onApplicationShutdown(): Promise<void> {
    await this.broker.close();
  }
}
