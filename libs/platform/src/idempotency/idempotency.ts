import { DatabaseDefinition } from '../database/database-options';
import { IdempotencyKeyOrmEntity } from './idempotency-key.orm-entity';
import { CreateIdempotencyKeys1700000000001 } from './idempotency.migration';

/**
 * A service's database definition plus the `idempotency_keys` table. PlatformModule applies it
 * for `idempotency`; a service's migrate.ts passes it to runMigrations.
 */
export function withIdempotency(definition: DatabaseDefinition): DatabaseDefinition {
  return {
    entities: [...definition.entities, IdempotencyKeyOrmEntity],
    migrations: [CreateIdempotencyKeys1700000000001, ...definition.migrations],
  };
}
