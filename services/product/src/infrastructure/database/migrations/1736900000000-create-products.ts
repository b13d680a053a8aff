import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * The catalog. Checks repeat the domain's invariants as a last line of defence: whatever the
 * code does, stock never goes below zero. Indexes follow the list endpoint: the stable order
 * (created_at, id), the category filter in that order, price ranges, and a trigram index on
 * lower(name) for the `q` substring search (pg_trgm is a trusted extension since PG 13, so the
 * database owner may create it).
 */
export class CreateProducts1736900000000 implements MigrationInterface {
  name = 'CreateProducts1736900000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`CREATE EXTENSION IF NOT EXISTS pg_trgm`);
    await queryRunner.query(`
      CREATE TABLE products (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
        description text NOT NULL DEFAULT '' CHECK (length(description) <= 5000),
        price numeric(12,2) NOT NULL CHECK (price >= 0),
        stock_quantity integer NOT NULL CHECK (stock_quantity >= 0),
        category varchar(100) NOT NULL,
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE INDEX products_created_at_id_idx ON products (created_at, id)`);
    await queryRunner.query(
      `CREATE INDEX products_category_created_at_id_idx ON products (category, created_at, id)`,
    );
    await queryRunner.query(`CREATE INDEX products_price_idx ON products (price)`);
    await queryRunner.query(
      `CREATE INDEX products_name_trgm_idx ON products USING gin (lower(name) gin_trgm_ops)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE products`);
  }
}
