import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Deliveries and the orders known to be cancelled. One delivery per order and one per tracking
 * number are unique indexes (the creation code relies on them under concurrency); checks repeat
 * the domain's invariants as a last line of defence.
 */
export class CreateDeliveries1737500000000 implements MigrationInterface {
  name = 'CreateDeliveries1737500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE deliveries (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        user_id uuid NOT NULL,
        street varchar(200) NOT NULL CHECK (length(street) >= 1),
        city varchar(100) NOT NULL CHECK (length(city) >= 1),
        postal_code varchar(20) NOT NULL CHECK (length(postal_code) >= 1),
        country char(2) NOT NULL CHECK (country ~ '^[A-Z]{2}$'),
        carrier varchar(100) NOT NULL CHECK (length(carrier) >= 1),
        tracking_number varchar(12) NOT NULL CHECK (tracking_number ~ '^NC[0-9A-HJKMNP-TV-Z]{10}$'),
        status varchar(16) NOT NULL
          CHECK (status IN ('pendiente', 'en_transito', 'entregada', 'cancelada')),
        estimated_delivery timestamptz NOT NULL,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CONSTRAINT deliveries_one_per_order UNIQUE (order_id),
        CONSTRAINT deliveries_tracking_number_unique UNIQUE (tracking_number)
      )`);
    // the list endpoint: newest first, ties by id; customers by user, admin all or by status
    await queryRunner.query(
      `CREATE INDEX deliveries_created_at_id_idx ON deliveries (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX deliveries_user_id_created_at_id_idx ON deliveries (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX deliveries_status_created_at_id_idx ON deliveries (status, created_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE order_cancellations (
        order_id uuid PRIMARY KEY,
        cause varchar(200) NOT NULL,
        cancelled_at timestamptz NOT NULL
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_cancellations`);
    await queryRunner.query(`DROP TABLE deliveries`);
  }
}
