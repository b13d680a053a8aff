import { Injectable } from '@nestjs/common';
import { MessageOutbox, OutgoingMessage } from '@app/kernel';
import { randomUUID } from 'node:crypto';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';

@Injectable()
export class TypeormMessageOutbox extends MessageOutbox {
  constructor(private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>) {
    super();
  }

  async enqueue(...messages: OutgoingMessage[]): Promise<void> {
    if (messages.length === 0) return;
    // Written with the caller's manager: inside UnitOfWork.run it commits with the state change.
    const values: unknown[] = [];
    const rows = messages.map((message, index) => {
      values.push(
        message.id ?? randomUUID(),
        message.type,
        message.aggregateId,
        message.destination,
        message.path,
        JSON.stringify(message.payload),
      );
      const p = index * 6;
      return `($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::jsonb)`;
    });
    await this.txHost.tx.query(
      `INSERT INTO outbox_messages (id, type, aggregate_id, destination, path, payload)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
