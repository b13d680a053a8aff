import { Injectable, Logger, OnApplicationBootstrap } from '@nestjs/common';
import { DataSource } from 'typeorm';
import { EventBroker } from './event-broker';
import { BROKER_DESTINATION } from './event-routing';

/**
 * After an outage, events for the broker wait in the outbox with a backoff that grew with each
 * failed publish (up to OUTBOX_BACKOFF_MAX_MS). When the connection comes back they are made due
 * at once (the UPDATE notifies the relays, see OutboxNotifiesItsRelay1700000000002), so the
 * backlog leaves within milliseconds instead of up to a minute later.
 */
@Injectable()
export class BrokerBacklogWaker implements OnApplicationBootstrap {
  private readonly logger = new Logger('OutboxRelay');

  constructor(
    private readonly broker: EventBroker,
    private readonly dataSource: DataSource,
  ) {}

  onApplicationBootstrap(): void {
    this.broker.onReconnected(() => void this.wake());
  }

  async wake(): Promise<number> {
    try {
      const [, woken] = (await this.dataSource.query(
        `UPDATE outbox_messages SET next_attempt_at = now()
          WHERE status = 'pending' AND destination = $1 AND next_attempt_at > now()`,
        [BROKER_DESTINATION],
      )) as [unknown, number];
      if (woken > 0) this.logger.log({ events: woken }, 'broker back: waiting events made due');
      return woken;
    } catch (error) {
      // the relay still sends them when their backoff ends
      const name = error instanceof Error ? error.constructor.name : 'Error';
      this.logger.warn({ err_class: name }, 'could not make the waiting events due');
      return 0;
    }
  }
}
