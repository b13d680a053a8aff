import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Login attempts per email in a fixed window, shared by every instance and kept across
 * restarts. The key is the SHA-256 of the normalised email, so the table does not collect the
 * addresses (or the passwords mistakenly typed into the email field) people tried.
 */
export class CreateLoginAttempts1737100000002 implements MigrationInterface {
  name = 'CreateLoginAttempts1737100000002';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE login_attempts (
        email_digest bytea PRIMARY KEY CHECK (length(email_digest) = 32),
        attempts integer NOT NULL CHECK (attempts > 0),
        window_started_at timestamptz NOT NULL
      )`);
    await queryRunner.query(
      `CREATE INDEX login_attempts_window_started_at_idx ON login_attempts (window_started_at)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE login_attempts`);
  }
}
