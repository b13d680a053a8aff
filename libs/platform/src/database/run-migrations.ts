import { DataSource } from 'typeorm';
import { loadPlatformConfig } from '../config/load-platform-config';
import { DatabaseDefinition, dataSourceOptions } from './database-options';

export interface RunMigrationsOptions extends DatabaseDefinition {
  service: string;
  env: Record<string, string | undefined>;
}

/** Applies pending migrations and returns the names applied (empty when up to date). */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const config = loadPlatformConfig({ service: options.service, env: options.env, database: true });
  const dataSource = new DataSource(dataSourceOptions(config, options));
  await dataSource.initialize();
  try {
    const applied = await dataSource.runMigrations({ transaction: 'each' });
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
