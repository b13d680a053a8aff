import { MigrationInterface, QueryRunner } from 'typeorm';

/**
 * A version per user that every access token carries (`tv`). The service bumps it in the same
 * transaction as a password, email or role change, so every token issued before the change is
 * refused from then on (by the user service at once, by the others within their cache TTL).
 * Existing users start at 0; tokens issued before this migration have no `tv` and are refused,
 * which only means logging in again.
 */
export class AddTokenVersion1737100000003 implements MigrationInterface {
  name = 'AddTokenVersion1737100000003';

  async up(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(
      `ALTER TABLE users
         ADD COLUMN token_version integer NOT NULL DEFAULT 0 CHECK (token_version >= 0)`,
    );
  }

  async down(queryRunner: QueryRunner): Promise<void> {
    await queryRunner.query(`ALTER TABLE users DROP COLUMN token_version`);
  }
}
