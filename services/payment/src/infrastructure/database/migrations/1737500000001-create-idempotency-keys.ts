import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Idempotency-Key records of `POST /payments/process`, scoped per caller (the order service's
 * table, same semantics). `in_flight` rows carry the owning request's lease; `completed` rows
 * the answer to replay (a payment response holds no card data beyond last4).
 */
export class CreateIdempotencyKeys1737500000001 implements MigrationInterface {
  name = 'CreateIdempotencyKeys1737500000001';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE idempotency_keys (
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
      `CREATE INDEX idempotency_keys_expires_at_idx ON idempotency_keys (expires_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE idempotency_keys`);
  }
}
