import { DataSource } from 'typeorm';
import { loadPlatformConfig } from '../config/platform.config';
import { DatabaseDefinition, dataSourceOptions } from './database-options';
import { withMessaging } from '../messaging/messaging';
import { applyMigrations } from './apply-migrations';

export interface RunMigrationsOptions extends DatabaseDefinition {
  service: string;
  env: Record<string, string | undefined>;
  /** the service uses the outbox/inbox (PlatformModule.forRoot({ messaging: true })) */
  messaging?: boolean;
}

/** Applies pending migrations and returns the names applied (empty when up to date). */
export async function runMigrations(options: RunMigrationsOptions): Promise<string[]> {
  const config = loadPlatformConfig({ service: options.service, env: options.env, database: true });
  const definition = options.messaging ? withMessaging(options) : options;
  const dataSource = new DataSource(dataSourceOptions(config, definition));
  await dataSource.initialize();
  try {
    const applied = await applyMigrations(dataSource);
    return applied.map((migration) => migration.name);
  } finally {
    await dataSource.destroy();
  }
}
