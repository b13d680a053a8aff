import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The channel the outbox relays LISTEN on. NOTIFY reaches only the sessions of the same
 * database, so one fixed name is already one channel per service's database.
 */
export const OUTBOX_CHANNEL = 'outbox_messages';

/**
 * Outbox rows that become deliverable now notify OUTBOX_CHANNEL, in the transaction that wrote
 * them: PostgreSQL sends the notification when (and only if) it commits, so the relay wakes
 * as soon as there is something to claim, and never for a rolled-back write.
 *
 * A trigger rather than a `pg_notify` in the code that writes: every writer is covered (the
 * event outbox's INSERT, an admin's re-drive, the wake-ups of a destination or broker that came
 * back, an operator's UPDATE by hand), and the request path gets no extra round trip.
 *   - INSERT: once per statement (a new row is always pending and due at once);
 *   - UPDATE of status or next_attempt_at that leaves a row pending and due now (a re-drive, a
 *     wake-up). The relay's own writes do not fire it: a claim or a lease renewal touches
 *     neither column, a delivered row is not pending, a failure is due only after its backoff
 *     (the relay times that pass itself).
 * Notifications of one transaction with the same payload are delivered once, so a burst of rows
 * is one wake-up.
 */
export class OutboxNotifiesItsRelay1700000000002 implements MigrationInterface {
  name = 'OutboxNotifiesItsRelay1700000000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE OR REPLACE FUNCTION outbox_notify_relay() RETURNS trigger
      LANGUAGE plpgsql AS $$
      BEGIN
        PERFORM pg_notify('${OUTBOX_CHANNEL}', '');
        RETURN NULL;
      END $$`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_inserted ON outbox_messages`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_inserted AFTER INSERT ON outbox_messages
      FOR EACH STATEMENT EXECUTE FUNCTION outbox_notify_relay()`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_made_due ON outbox_messages`);
    await queryRunner.query(`
      CREATE TRIGGER outbox_made_due AFTER UPDATE OF status, next_attempt_at ON outbox_messages
      FOR EACH ROW WHEN (NEW.status = 'pending' AND NEW.next_attempt_at <= now())
      EXECUTE FUNCTION outbox_notify_relay()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_made_due ON outbox_messages`);
    await queryRunner.query(`DROP TRIGGER IF EXISTS outbox_inserted ON outbox_messages`);
    await queryRunner.query(`DROP FUNCTION IF EXISTS outbox_notify_relay()`);
  }
}
