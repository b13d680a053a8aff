import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records, scoped per caller: `in_flight` rows carry the owning request's lease
 * (token and deadline), `completed` rows the answer to replay. Added to the migrations of every
 * service with `idempotency`.
 *
 * The order and payment services used to create this very table in their own migrations
 * (CreateIdempotencyKeys1737300000002, CreateIdempotencyKeys1737500000001, the same DDL). Their
 * databases already have it, so this one creates nothing there (IF NOT EXISTS); the rows of the
 * old migrations stay in `migrations`, which TypeORM ignores.
 */
export class CreateIdempotencyKeys1700000000001 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1700000000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE IF NOT EXISTS idempotency_keys (
        caller_id uuid NOT NULL,
        key varchar(255) NOT NULL,
        request_hash char(64) NOT NULL,
        state varchar(16) NOT NULL CHECK (state IN ('in_flight', 'completed')),
        lease_token uuid,
        locked_until timestamptz,
        outcome jsonb,
        created_at timestamptz NOT NULL,
        expires_at timestamptz NOT NULL,
        PRIMARY KEY (caller_id, key),
        CHECK ((state = 'in_flight') = (lease_token IS NOT NULL AND locked_until IS NOT NULL)),
        CHECK ((state = 'completed') = (outcome IS NOT NULL))
      )`);
    await queryRunner.query(
      `CREATE INDEX IF NOT EXISTS idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE IF EXISTS idempotency_keys`);
  }
}
