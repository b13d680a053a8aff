import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Payments. The partial unique index is the rule "one charge per order": at most one payment
 * of an order is pending, approved or refunded, whatever the concurrency; a declined payment
 * leaves the order free for a new attempt. Card data: the last four digits and the brand only.
 */
export class CreatePayments1737500000000 implements MigrationInterface {
  name = 'CreatePayments1737500000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE payments (
        id uuid PRIMARY KEY,
        order_id uuid NOT NULL,
        user_id uuid NOT NULL,
        amount numeric(12,2) NOT NULL CHECK (amount > 0),
        currency char(3) NOT NULL CHECK (currency ~ '^[a-z]{3}$'),
        payment_method varchar(16) NOT NULL
          CHECK (payment_method IN ('credit_card', 'debit_card', 'paypal')),
        status varchar(16) NOT NULL
          CHECK (status IN ('pendiente', 'aprobado', 'rechazado', 'reembolsado')),
        gateway varchar(16) NOT NULL,
        gateway_reference varchar(255),
        card_last4 char(4) CHECK (card_last4 ~ '^[0-9]{4}$'),
        card_brand varchar(16),
        failure_reason varchar(200),
        approval_url varchar(2048),
        refund_reference varchar(255),
        created_at timestamptz NOT NULL,
        updated_at timestamptz NOT NULL,
        CHECK ((payment_method = 'paypal') = (card_last4 IS NULL)),
        CHECK ((status = 'rechazado') = (failure_reason IS NOT NULL)),
        CHECK ((status = 'reembolsado') = (refund_reference IS NOT NULL)),
        CHECK (status NOT IN ('aprobado', 'reembolsado') OR gateway_reference IS NOT NULL)
      )`);
    await queryRunner.query(
      `CREATE UNIQUE INDEX payments_one_charge_per_order ON payments (order_id)
         WHERE status IN ('pendiente', 'aprobado', 'reembolsado')`,
    );
    await queryRunner.query(
      `CREATE INDEX payments_created_idx ON payments (created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX payments_user_idx ON payments (user_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX payments_order_idx ON payments (order_id, created_at DESC, id DESC)`,
    );
    await queryRunner.query(
      `CREATE INDEX payments_pending_idx ON payments (created_at) WHERE status = 'pendiente'`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE payments`);
  }
}
