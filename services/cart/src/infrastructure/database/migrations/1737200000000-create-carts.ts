import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Carts and their lines. The partial unique index is what makes "one active cart per user"
 * hold between concurrent requests; the checks repeat the domain's invariants as a last line of
 * defence (a checked-out cart names its order; only an active cart has a pending checkout;
 * quantities 1 to 1,000; prices never negative). Lines carry no foreign key to products: those
 * live in another service's database.
 */
export class CreateCarts1737200000000 implements MigrationInterface {
  name = 'CreateCarts1737200000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE carts (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ('active', 'checked_out')),
        order_id uuid,
        checkout_attempts integer NOT NULL DEFAULT 0 CHECK (checkout_attempts >= 0),
        pending_checkout_attempt integer,
        pending_shipping_address jsonb,
        pending_checkout_started_at timestamptz,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now(),
        CONSTRAINT carts_checked_out_has_order
          CHECK ((status = 'checked_out') = (order_id IS NOT NULL)),
        CONSTRAINT carts_pending_only_when_active
          CHECK (pending_checkout_attempt IS NULL OR status = 'active'),
        CONSTRAINT carts_pending_complete
          CHECK ((pending_checkout_attempt IS NULL) = (pending_checkout_started_at IS NULL)
             AND (pending_checkout_attempt IS NOT NULL OR pending_shipping_address IS NULL))
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX carts_one_active_per_user ON carts (user_id) WHERE status = 'active'`,
    );
    await queryRunner.query(
      `CREATE INDEX carts_user_id_created_at_idx ON carts (user_id, created_at)`,
    );
    await queryRunner.query(`
      CREATE TABLE cart_items (
        cart_id uuid NOT NULL REFERENCES carts (id) ON DELETE CASCADE,
        product_id uuid NOT NULL,
        name varchar(200) NOT NULL,
        unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        added_at timestamptz NOT NULL DEFAULT now(),
        PRIMARY KEY (cart_id, product_id)
      )`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE cart_items`);
    await queryRunner.query(`DROP TABLE carts`);
  }
}
