import type { DataSourceOptions } from 'typeorm';
import type { PlatformConfig } from '../config/platform.config';
import { platformTypes } from './timestamptz-parser';
import { PreparingClient } from './preparing-client';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
export type ClassList = Function[];

export interface DatabaseDefinition {
  entities: ClassList;
  migrations: ClassList;
}

/**
 * One place for the pool and timeout settings: pg waits forever for a connection and
 * PostgreSQL runs a statement forever unless told otherwise.
 */
export function dataSourceOptions(
  config: Pick<PlatformConfig, 'service' | 'database'>,
  definition: DatabaseDefinition,
): DataSourceOptions {
  if (!config.database) throw new Error(`${config.service} has no database configured`);
  const db = config.database;
  return {
    type: 'postgres',
    url: db.url,
    entities: definition.entities,
    migrations: definition.migrations,
    migrationsTableName: 'migrations',
    synchronize: false,
    logging: false,
    applicationName: `${config.service}-service`,
    connectTimeoutMS: db.connectionTimeoutMs,
    extra: {
      max: db.poolMax,
      // Two connections stay open however long the service is idle (DB_POOL_MAX is at least
      // 2): a periodic pass that needs two at once (a replica lock held while the work queries)
      // or the first requests after a quiet spell do not open a new backend each time.
      min: 2,
      connectionTimeoutMillis: db.connectionTimeoutMs,
      idleTimeoutMillis: 30_000,
      statement_timeout: db.statementTimeoutMs,
      idle_in_transaction_session_timeout: db.statementTimeoutMs * 2,
      // pg-pool's client class: statements run again are parsed and planned once per connection
      ...(db.preparedStatements ? { Client: PreparingClient } : {}),
      // timestamps read without pg's regular expressions (timestamptz-parser.ts)
      types: platformTypes,
    },
  };
}
