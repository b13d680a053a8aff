import { Injectable, OnApplicationBootstrap, OnApplicationShutdown } from '@nestjs/common';
import type { Redis } from 'ioredis';
import { PlatformConfig } from '../config/platform.config';
import { SharedRedis } from '../redis/shared-redis';
import { TokenStateSource } from './token-state';

interface Notice {
  user_id: string;
  token_version: number;
  deleted: boolean;
}

/**
 * A token-state notice reaches one replica of a service (the user service posts it once to
 * the service's address); with REDIS_URL that replica passes it on to its siblings over a
 * Redis channel of the service, so every replica refuses the older tokens at once. Without
 * Redis, the cache's TTL (AUTH_TOKEN_STATE_TTL_MS) bounds how long a sibling accepts them.
 */
@Injectable()
export class TokenStateBroadcast implements OnApplicationBootstrap, OnApplicationShutdown {
  private subscriber: Redis | null = null;
  private readonly channel: string;

  constructor(
    private readonly redis: SharedRedis,
    private readonly tokenStates: TokenStateSource,
    config: PlatformConfig,
  ) {
    this.channel = redis.key(`${config.service}:token-state-notices`);
  }

  async onApplicationBootstrap(): Promise<void> {
    this.subscriber = this.redis.duplicate();
    if (!this.subscriber) return;
    this.subscriber.on('message', (_channel: string, text: string) => this.learn(text));
    await this.subscribe(this.subscriber);
  }

  private async subscribe(subscriber: Redis): Promise<void> {
    try {
      await subscriber.subscribe(this.channel);
    } catch (error) {
      this.redis.warn(error);
      // ioredis re-subscribes after a reconnection only to channels it had subscribed to: a
      // first subscription that failed (Redis away at start) is tried again once Redis is back
      subscriber.once('ready', () => void this.subscribe(subscriber));
    }
  }

  async announce(notice: Notice): Promise<void> {
    try {
      await this.redis.client?.publish(this.channel, JSON.stringify(notice));
    } catch (error) {
      this.redis.warn(error);
    }
  }

  private learn(text: string): void {
    // a throw here would escape ioredis's event handler and end the process: drop what is not a notice
    const notice = parseNotice(text);
    if (!notice) return;
    this.tokenStates.learn(notice.user_id, {
      tokenVersion: notice.token_version,
      deleted: notice.deleted,
    });
  }

  onApplicationShutdown(): void {
    this.subscriber?.disconnect(false);
  }
}

function parseNotice(text: string): Notice | null {
  try {
    const value = JSON.parse(text) as Partial<Notice> | null;
    if (
      typeof value?.user_id === 'string' &&
      Number.isSafeInteger(value.token_version) &&
      (value.token_version as number) >= 0 &&
      typeof value.deleted === 'boolean'
    ) {
      return value as Notice;
    }
  } catch {
    // not JSON
  }
  return null;
}
