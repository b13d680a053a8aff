import type { DataSource, Migration } from 'typeorm';
import { withAdvisoryLock } from './advisory-lock';

/**
 * Applies the pending migrations, each in its own transaction, under an advisory lock: N
 * replicas starting at once (or an init container per pod) apply them once; the others wait,
 * then find nothing pending.
 */
export function applyMigrations(dataSource: DataSource): Promise<Migration[]> {
  return withAdvisoryLock(dataSource, 'platform:migrations', () =>
    dataSource.runMigrations({ transaction: 'each' }),
  );
}
