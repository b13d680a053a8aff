import { Logger } from '@nestjs/common';
import { Client, ClientConfig } from 'pg';
import type { DataSource } from 'typeorm';
import { connectionLossCode } from '../database/connection-loss';

/** Pauses before each reconnection attempt; the last one repeats. */
const RECONNECT_DELAYS_MS = [100, 500, 1000, 2000, 5000];

/**
 * A connection of its own (not one of the pool's, which requests need) that LISTENs on one
 * channel of the data source's database and calls `onNotify` for each notification. When the
 * connection is lost (a restart, a failover, pg_terminate_backend) it connects again, after a
 * growing pause, and calls `onListening` each time it listens (again): what was notified
 * meanwhile was lost, the owner looks for it then.
 */
export class PgChannelListener {
  private readonly logger = new Logger('OutboxRelay');
  private client?: Client;
  private reconnectTimer?: NodeJS.Timeout;
  private failures = 0;
  private stopped = false;

  constructor(
    private readonly dataSource: DataSource,
    private readonly channel: string,
    private readonly handlers: { onNotify: () => void; onListening: () => void },
  ) {}

  /** Connects and listens; a failure is retried in the background (never thrown). */
  start(): void {
    void this.connect();
  }

  async stop(): Promise<void> {
    this.stopped = true;
    if (this.reconnectTimer) clearTimeout(this.reconnectTimer);
    const client = this.client;
    this.client = undefined;
    await client?.end().catch(() => undefined);
  }

  private async connect(): Promise<void> {
    if (this.stopped) return;
    const client = new Client(listenerConfig(this.dataSource));
    this.client = client;
    let lost = false;
    const onLost = (error?: Error) => {
      if (lost || this.client !== client) return;
      lost = true;
      this.client = undefined;
      void client.end().catch(() => undefined);
      // once per outage, not once per attempt
      if (this.failures === 0) {
        this.logger.warn(
          { channel: this.channel, code: error ? connectionLossCode(error) : undefined },
          'outbox listener connection lost; reconnecting (a fallback poll covers the gap)',
        );
      }
      this.scheduleReconnect();
    };
    client.on('error', onLost);
    client.on('end', () => onLost());
    client.on('notification', (message) => {
      if (message.channel === this.channel) this.handlers.onNotify();
    });
    try {
      await client.connect();
      await client.query(`LISTEN ${client.escapeIdentifier(this.channel)}`);
    } catch (error) {
      onLost(error instanceof Error ? error : undefined);
      return;
    }
    if (this.stopped || this.client !== client) return;
    if (this.failures > 0) this.logger.log({ channel: this.channel }, 'outbox listener back');
    this.failures = 0;
    this.handlers.onListening();
  }

  private scheduleReconnect(): void {
    if (this.stopped) return;
    const delay = RECONNECT_DELAYS_MS[Math.min(this.failures, RECONNECT_DELAYS_MS.length - 1)];
    this.failures += 1;
    this.reconnectTimer = setTimeout(() => void this.connect(), delay);
    this.reconnectTimer.unref();
  }
}

/** The data source's server, database and credentials, for one more connection. */
function listenerConfig(dataSource: DataSource): ClientConfig {
  const options = dataSource.options as {
    url?: string;
    host?: string;
    port?: number;
    username?: string;
    password?: string;
    database?: string;
    ssl?: ClientConfig['ssl'];
    applicationName?: string;
    connectTimeoutMS?: number;
  };
  return {
    connectionString: options.url,
    host: options.host,
    port: options.port,
    user: options.username,
    password: options.password,
    database: options.database,
    ssl: options.ssl,
    application_name: `${options.applicationName ?? 'service'}:outbox-listener`,
    connectionTimeoutMillis: options.connectTimeoutMS,
    // a peer that vanished without closing (a network partition) is noticed, not waited on
    keepAlive: true,
    keepAliveInitialDelayMillis: 10_000,
  };
}
