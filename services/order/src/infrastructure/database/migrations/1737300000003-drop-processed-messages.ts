import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The order's own inbox goes: integration events are recorded in the platform's inbox
 * (`inbox_messages`, keyed by consumer and event id) in the transaction of their effect.
 */
export class DropProcessedMessages1737300000003 implements MigrationInterface {
  name = 'DropProcessedMessages1737300000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS processed_messages`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE processed_messages (
        message_id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id),
        processed_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(
      `CREATE INDEX processed_messages_order_id_idx ON processed_messages (order_id)`,
    );
  }
}
