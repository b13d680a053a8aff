import { MigrationInterface, QueryRunner } from 'typeorm';

/** The inbox is keyed by consumer and event id (one service may hold several consumers). */
export class InboxKeyedByConsumer1700000000001 implements MigrationInterface {
  name = 'InboxKeyedByConsumer1700000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE inbox_messages ADD COLUMN IF NOT EXISTS consumer text NOT NULL DEFAULT ''`,
    );
    await queryRunner.query(
      `ALTER TABLE inbox_messages DROP CONSTRAINT IF EXISTS inbox_messages_pkey`,
    );
    await queryRunner.query(`ALTER TABLE inbox_messages ADD PRIMARY KEY (consumer, message_id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE inbox_messages DROP CONSTRAINT inbox_messages_pkey`);
    await queryRunner.query(`DELETE FROM inbox_messages WHERE consumer <> ''`);
    await queryRunner.query(`ALTER TABLE inbox_messages ADD PRIMARY KEY (message_id)`);
    await queryRunner.query(`ALTER TABLE inbox_messages DROP COLUMN consumer`);
  }
}
