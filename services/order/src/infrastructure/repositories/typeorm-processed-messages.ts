import { Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { InboxRecord, ProcessedMessages } from '../../application/ports/processed-messages.port';

/** pg answers an INSERT ... RETURNING through TypeORM as rows. */
function rowsOf(result: unknown): Array<Record<string, unknown>> {
  return Array.isArray(result) ? (result as Array<Record<string, unknown>>) : [];
}

@Injectable()
export class TypeormProcessedMessages extends ProcessedMessages {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async record(messageId: string, orderId: string): Promise<InboxRecord> {
    // A concurrent insert of the same id waits for the other transaction: it then conflicts
    // (the other committed) or inserts (the other rolled back). Never both apply it.
    const inserted = rowsOf(
      await this.txHost.tx.query(
        `INSERT INTO processed_messages (message_id, order_id, processed_at)
         VALUES ($1, $2, now())
         ON CONFLICT (message_id) DO NOTHING
         RETURNING message_id`,
        [messageId, orderId],
      ),
    );
    if (inserted.length === 1) return { fresh: true };
    const existing = rowsOf(
      await this.txHost.tx.query(`SELECT order_id FROM processed_messages WHERE message_id = $1`, [
        messageId,
      ]),
    );
    if (existing.length === 0)
      throw new Error(`processed message ${messageId} vanished after a conflict`);
    return { fresh: false, orderId: String(existing[0].order_id) };
  }
}
