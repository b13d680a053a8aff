import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Placements in progress (docs/saga.md): written and committed before the stock is reserved,
 * deleted by the order's own transaction or once the reservation is given back. `next_attempt_at`
 * is when recovery may take the row: the placement's timeout while `placing`, the end of the
 * lease (or the next pass, after a failed release) while `abandoning`.
 */
export class CreateOrderPlacements1737300000004 implements MigrationInterface {
  name = 'CreateOrderPlacements1737300000004';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE order_placements (
        order_id uuid PRIMARY KEY,
        user_id uuid NOT NULL,
        items jsonb NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('placing', 'abandoning')),
        started_at timestamptz NOT NULL DEFAULT now(),
        next_attempt_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX order_placements_next_attempt_at_idx ON order_placements (next_attempt_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE order_placements`);
  }
}
