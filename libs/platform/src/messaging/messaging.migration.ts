import { MigrationInterface, QueryRunner } from 'typeorm';

/** Outbox and inbox tables; added to the migrations of every service with messaging. */
export class CreateOutboxAndInbox1700000000000 implements MigrationInterface {
  name = 'CreateOutboxAndInbox1700000000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS outbox_messages (
        id uuid PRIMARY KEY,
        sequence bigserial NOT NULL,
        type text NOT NULL,
        aggregate_id text NOT NULL,
        destination text NOT NULL,
        path text NOT NULL,
        payload jsonb NOT NULL,
        status text NOT NULL DEFAULT 'pending' CHECK (status IN ('pending', 'delivered', 'dead')),
        attempts int NOT NULL DEFAULT 0,
        next_attempt_at timestamptz NOT NULL DEFAULT now(),
        locked_until timestamptz,
        last_error text,
        created_at timestamptz NOT NULL DEFAULT now(),
        delivered_at timestamptz
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS idx_outbox_due ON outbox_messages (status, next_attempt_at)`,
    );
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS idx_outbox_order ON outbox_messages (aggregate_id, destination, sequence)`,
    );
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS inbox_messages (
        message_id uuid PRIMARY KEY,
        received_at timestamptz NOT NULL DEFAULT now()
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS inbox_messages`);
    await queryRunner.query(`DROP TABLE IF EXISTS outbox_messages`);
  }
}
