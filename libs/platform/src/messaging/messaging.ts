import { DatabaseDefinition } from '../database/database-options';
import { InboxMessageOrmEntity } from './inbox-message.orm-entity';
import { InboxKeyedByConsumer1700000000001 } from './inbox-consumer.migration';
import { CreateOutboxAndInbox1700000000000 } from './messaging.migration';
import { OutboxNotifiesItsRelay1700000000002 } from './outbox-notify.migration';
import { OutboxMessageOrmEntity } from './outbox-message.orm-entity';

/** A service's database definition plus the outbox and inbox tables. */
export function withMessaging(definition: DatabaseDefinition): DatabaseDefinition {
  return {
    entities: [...definition.entities, OutboxMessageOrmEntity, InboxMessageOrmEntity],
    migrations: [
      CreateOutboxAndInbox1700000000000,
      InboxKeyedByConsumer1700000000001,
      OutboxNotifiesItsRelay1700000000002,
      ...definition.migrations,
    ],
  };
}
