import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Orders, their lines and their history. Checks repeat the domain's invariants as a last line
 * of defence. `order_events` is append-only: a trigger refuses UPDATE, DELETE and TRUNCATE, so
 * the history cannot be rewritten even by a buggy query. `orders.status` is the projection of
 * the events, written in the same transaction as each event.
 */
export class CreateOrders1737300000000 implements MigrationInterface {
  name = 'CreateOrders1737300000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    const statuses = `('creada', 'pagada', 'enviada', 'entregada', 'cancelada')`;
    await queryRunner.query(`
      CREATE TABLE orders (
        id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        status varchar(16) NOT NULL CHECK (status IN ${statuses}),
        total numeric(12,2) NOT NULL CHECK (total >= 0),
        shipping_address jsonb,
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL
      )`);
    // the list endpoint: newest first, ties by id; customers by user, admin by status or all
    await queryRunner.query(
      `CREATE INDEX orders_created_at_id_idx ON orders (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX orders_user_id_created_at_id_idx ON orders (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX orders_status_created_at_id_idx ON orders (status, created_at DESC, id DESC)`,
    );

    await queryRunner.query(`
      CREATE TABLE order_items (
        order_id uuid NOT NULL REFERENCES orders (id),
        line_no smallint NOT NULL CHECK (line_no BETWEEN 1 AND 100),
        product_id uuid NOT NULL,
        name varchar(200) NOT NULL,
        unit_price numeric(12,2) NOT NULL CHECK (unit_price >= 0),
        quantity integer NOT NULL CHECK (quantity BETWEEN 1 AND 1000),
        subtotal numeric(12,2) NOT NULL CHECK (subtotal = unit_price * quantity),
        PRIMARY KEY (order_id, line_no),
        UNIQUE (order_id, product_id)
      )`);

    await queryRunner.query(`
      CREATE TABLE order_events (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL REFERENCES orders (id),
        sequence integer NOT NULL CHECK (sequence >= 1),
        type varchar(16) NOT NULL
          CHECK (type IN ('created', 'validated', 'paid', 'shipped', 'delivered', 'cancelled', 'refunded')),
        status varchar(16) NOT NULL CHECK (status IN ${statuses}),
        cause varchar(200) NOT NULL,
        occurred_at timestamptz NOT NULL,
        message_id uuid,
        payment_id uuid,
        delivery_id uuid,
        UNIQUE (order_id, sequence)
      )`);
    await queryRunner.query(`
      CREATE FUNCTION order_events_append_only() RETURNS trigger LANGUAGE plpgsql AS $$
      BEGIN
        RAISE EXCEPTION 'order_events is append-only (% refused)', TG_OP;
      END
      $$`);
    await queryRunner.query(`
      CREATE TRIGGER order_events_no_update_or_delete
        BEFORE UPDATE OR DELETE ON order_events
        FOR EACH ROW EXECUTE FUNCTION order_events_append_only()`);
    await queryRunner.query(`
      CREATE TRIGGER order_events_no_truncate
        BEFORE TRUNCATE ON order_events
        FOR EACH STATEMENT EXECUTE FUNCTION order_events_append_only()`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_events`);
    await queryRunner.query(`DROP FUNCTION order_events_append_only()`);
    await queryRunner.query(`DROP TABLE order_items`);
    await queryRunner.query(`DROP TABLE orders`);
  }
}
