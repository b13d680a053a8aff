import { Logger, OnApplicationShutdown } from '@nestjs/common';
import { Redis } from 'ioredis';

/**
 * The state replicas of a service share (rate-limit counters, validation results, token-state
 * notices) lives in Redis when REDIS_URL is set. One client per process; commands fail fast
 * instead of queueing while Redis is away, so a caller can fall back to its process-local
 * state rather than hold a request.
 */
const SKIP_AFTER_FAILURE_MS = 3_000;

export class SharedRedis implements OnApplicationShutdown {
  private readonly logger = new Logger('SharedRedis');
  private lastWarning = 0;
  /** after a failure, callers that can do without Redis skip it until then (or until ready) */
  private downUntil = 0;

  constructor(
    readonly client: Redis | null,
    private readonly keyPrefix = '',
  ) {
    client?.on('error', (error: Error) => this.warn(error));
    client?.on('ready', () => (this.downUntil = 0));
  }

  /**
   * Whether to ask Redis now: configured, and no command failed in the last few seconds. A
   * frozen Redis then costs one command timeout every few seconds, not one per request.
   */
  get reachable(): boolean {
    return this.client !== null && Date.now() >= this.downUntil;
  }

  /** A key or channel name of this platform (REDIS_KEY_PREFIX first). */
  key(name: string): string {
    return `${this.keyPrefix}${name}`;
  }

  static connect(settings: { url?: string; keyPrefix: string }, service: string): SharedRedis {
    const { url, keyPrefix } = settings;
    if (!url) return new SharedRedis(null, keyPrefix);
    return new SharedRedis(
      new Redis(url, {
        connectionName: `${service}-service`,
        enableOfflineQueue: false,
        maxRetriesPerRequest: 1,
        connectTimeout: 2_000,
        commandTimeout: 1_000,
        retryStrategy: (attempt) => Math.min(attempt * 200, 2_000),
      }),
      keyPrefix,
    );
  }

  /** A second connection (a subscriber cannot send other commands), or null without Redis. */
  duplicate(): Redis | null {
    const copy = this.client?.duplicate({ enableOfflineQueue: true }) ?? null;
    copy?.on('error', (error: Error) => this.warn(error));
    return copy;
  }

  /**
   * A Redis command or the connection failed: skipped by `reachable` callers for
   * SKIP_AFTER_FAILURE_MS; logged at most once per 10 s, the reason, never the URL (a password).
   */
  warn(error: unknown): void {
    const now = Date.now();
    this.downUntil = now + SKIP_AFTER_FAILURE_MS;
    if (now - this.lastWarning < 10_000) return;
    this.lastWarning = now;
    const reason =
      error && typeof error === 'object' && 'code' in error ? String(error.code) : 'error';
    this.logger.warn({ reason }, 'Redis is unavailable: shared state falls back to this process');
  }

  async onApplicationShutdown(): Promise<void> {
    if (!this.client) return;
    this.client.disconnect(false);
    await Promise.resolve();
  }
}
