import { Inject, Injectable } from '@nestjs/common';
import { TransactionHost } from '@nestjs-cls/transactional';
import { TransactionalAdapterTypeOrm } from '@nestjs-cls/transactional-adapter-typeorm';
import { EventOutbox, IntegrationEvent } from '@app/kernel';
import { randomUUID } from 'node:crypto';
import { PlatformConfig } from '../config/platform.config';
import { writeInTransaction } from '../database/write-in-transaction';
import { EVENT_TRANSPORT, EventTransportKind } from './event-routing';
import { addressedEvents } from './integration-envelope';

/**
 * Writes each event as outbox rows in the caller's transaction: one row for the broker, or one
 * per consumer for HTTP push (each consumer then gets its events in order and is retried on its
 * own). Envelopes, their check against the catalogue and destinations: `addressedEvents`.
 */
@Injectable()
export class TypeormEventOutbox extends EventOutbox {
  constructor(
    private readonly txHost: TransactionHost<TransactionalAdapterTypeOrm>,
    private readonly config: PlatformConfig,
    @Inject(EVENT_TRANSPORT) private readonly transport: EventTransportKind,
  ) {
    super();
  }

  async publish(...events: IntegrationEvent[]): Promise<void> {
    const values: unknown[] = [];
    const rows: string[] = [];
    for (const { envelope, destination, path } of addressedEvents(
      events,
      this.config.service,
      this.transport,
    )) {
      const p = values.length;
      values.push(
        randomUUID(),
        envelope.type,
        envelope.subject,
        destination,
        path,
        JSON.stringify(envelope),
      );
      rows.push(`($${p + 1}, $${p + 2}, $${p + 3}, $${p + 4}, $${p + 5}, $${p + 6}::jsonb)`);
    }
    if (rows.length === 0) return;
    // sent with the transaction's next statement (its COMMIT at the latest): ids are fresh
    await writeInTransaction(
      this.txHost,
      `INSERT INTO outbox_messages (id, type, aggregate_id, destination, path, payload)
       VALUES ${rows.join(', ')}`,
      values,
    );
  }
}
