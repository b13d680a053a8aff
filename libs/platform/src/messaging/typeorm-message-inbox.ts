import { Injectable } from '@nestjs/common';
import { MessageInbox } from '@app/kernel';
import { TransactionalEntityManager } from '../database/transactional-entity-manager';

@Injectable()
export class TypeormMessageInbox extends MessageInbox {
  constructor(private readonly tx: TransactionalEntityManager) {
    super();
  }

  async firstDelivery(messageId: string): Promise<boolean> {
    // A concurrent duplicate waits on the primary key and then sees the conflict.
    const rows: unknown[] = await this.tx.manager.query(
      `INSERT INTO inbox_messages (message_id) VALUES ($1)
       ON CONFLICT (message_id) DO NOTHING RETURNING message_id`,
      [messageId],
    );
    return rows.length === 1;
  }
}
