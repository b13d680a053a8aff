import { MigrationInterface, QueryRunner } from 'typeorm';

/** Orders known to be cancelled, from `order.cancelled`: they are not charged. */
export class CreateCancelledOrders1737500000002 implements MigrationInterface {
  name = 'CreateCancelledOrders1737500000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE cancelled_orders (
        order_id uuid PRIMARY KEY,
        cancelled_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cancelled_orders`);
  }
}
