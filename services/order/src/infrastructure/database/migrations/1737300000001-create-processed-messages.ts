import { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox: one row per service message applied (or found already reached). */
export class CreateProcessedMessages1737300000001 implements MigrationInterface {
  name = 'CreateProcessedMessages1737300000001';

  async up(queryRunner: QueryRunner): Promise<void> {
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

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE processed_messages`);
  }
}
