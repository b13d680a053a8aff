import { Injectable } from '@nestjs/common';
import { MessageInbox } from '@app/kernel';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

@Injectable()
export class TypeormMessageInbox extends MessageInbox {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async firstDelivery(messageId: string, consumer = ''): Promise<boolean> {
    // A concurrent duplicate waits on the primary key and then sees the conflict.
    const rows: unknown[] = await this.txHost.tx.query(
      `INSERT INTO inbox_messages (consumer, message_id) VALUES ($1, $2)
       ON CONFLICT (consumer, message_id) DO NOTHING RETURNING message_id`,
      [consumer, messageId],
    );
    return rows.length === 1;
  }
}
