import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * Users. Email uniqueness ignoring case is the database's job: a unique index on lower(email)
 * refuses the second of two concurrent registrations of `Ada@x.io` and `ada@X.io`, which a
 * lookup before the insert could not. (Emails are also stored lower-cased by the code.)
 * The (created_at, id) index serves the admin list's stable order.
 */
export class CreateUsers1737100000000 implements MigrationInterface {
  name = 'CreateUsers1737100000000';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`
      CREATE TABLE users (
        id uuid PRIMARY KEY,
        name varchar(200) NOT NULL CHECK (length(btrim(name)) > 0),
        email varchar(254) NOT NULL CHECK (length(email) > 0),
        role varchar(16) NOT NULL CHECK (role IN ('customer', 'admin')),
        password_hash text NOT NULL CHECK (length(password_hash) > 0),
        created_at timestamptz NOT NULL DEFAULT now(),
        updated_at timestamptz NOT NULL DEFAULT now()
      )`);
    await queryRunner.query(`CREATE UNIQUE INDEX users_email_lower_key ON users (lower(email))`);
    await queryRunner.query(`CREATE INDEX users_created_at_id_idx ON users (created_at, id)`);
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`DROP TABLE users`);
  }
}
