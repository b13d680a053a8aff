import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Cancels of paid orders in progress: written before the delivery service is asked to stop the
 * goods, removed with the cancel's outcome, so a crash in between is finished by recovery
 * (next_attempt_at: when a recovery pass may take it up; its lease while it does). The expiry of
 * unpaid orders needs no table: orders_status_created_at_id_idx finds the old `creada` ones.
 */
export class CreatePendingCancellations1737300000005 implements MigrationInterface {
  name = 'CreatePendingCancellations1737300000005';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE pending_cancellations (
        order_id uuid PRIMARY KEY REFERENCES orders (id),
        cause varchar(200) NOT NULL CHECK (length(cause) >= 1),
        requested_at timestamptz NOT NULL,
        next_attempt_at timestamptz NOT NULL,
        attempts integer NOT NULL DEFAULT 0 CHECK (attempts >= 0)
      )`);
    await queryRunner.query(
      `CREATE INDEX pending_cancellations_next_attempt_at_idx ON pending_cancellations (next_attempt_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE pending_cancellations`);
  }
}
