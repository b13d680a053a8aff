import { MigrationInterface, QueryRunner } from 'typeorm';

/** Reservations keyed by order_id (the idempotency key), with their lines. */
export class CreateStockReservations1736900000001 implements MigrationInterface {
  name = 'CreateStockReservations1736900000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE stock_reservations (
        order_id uuid PRIMARY KEY,
        status varchar(16) NOT NULL CHECK (status IN ('reserved', 'released')),
        created_at timestamptz NOT NULL DEFAULT now(),
        released_at timestamptz
      )`);
    await queryRunner.query(`
      CREATE TABLE stock_reservation_items (
        order_id uuid NOT NULL REFERENCES stock_reservations (order_id) ON DELETE CASCADE,
        product_id uuid NOT NULL,
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        PRIMARY KEY (order_id, product_id)
      )`);
    await queryRunner.query(
      `CREATE INDEX stock_reservation_items_product_id_idx ON stock_reservation_items (product_id)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE stock_reservation_items`);
    await queryRunner.query(`DROP TABLE stock_reservations`);
  }
}
