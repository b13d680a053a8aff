import { Injectable, OnApplicationBootstrap } from '@nestjs/common';
import { PlatformConfig } from '../config/platform.config';
import { EventBroker } from './event-broker';
import { EventDispatcher } from './event-dispatcher';

/**
 * With a broker, a consuming service reads its own queue (bound to the types it consumes) into
 * the same dispatcher and inbox as the HTTP push endpoint. The broker acknowledges a message
 * only once the dispatcher's transaction committed.
 */
@Injectable()
export class BrokerConsumer implements OnApplicationBootstrap {
  constructor(
    private readonly broker: EventBroker,
    private readonly dispatcher: EventDispatcher,
    private readonly config: PlatformConfig,
  ) {}

  async onApplicationBootstrap(): Promise<void> {
    await this.broker.consume(
      this.config.service,
      this.dispatcher.consumedTypes,
      async (message) => (await this.dispatcher.dispatch(message)).result,
    );
  }
}
