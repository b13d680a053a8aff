import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders known to be paid, from `order.paid`: with order_cancellations, what lets delivery decide
 * whether an order may get a delivery without reading the order's status.
 */
export class CreatePaidOrders1737500000001 implements MigrationInterface {
  name = 'CreatePaidOrders1737500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE paid_orders (
        order_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        paid_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE paid_orders`);
  }
}
