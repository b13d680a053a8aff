import { ThrottlerStorage } from '@nestjs/throttler';
import { ThrottlerStorageRedisService } from '@nest-lab/throttler-storage-redis';
import { SharedRedis } from '../redis/shared-redis';
import { FixedWindowThrottlerStorage } from './fixed-window-throttler-storage';

type Record = Awaited<ReturnType<ThrottlerStorage['increment']>>;

/**
 * Rate-limit counters in Redis, so that every replica of a service counts against one budget
 * per client. While Redis cannot answer, this process counts alone (the limit then holds per
 * replica) rather than refuse or hold the request.
 */
export class SharedThrottlerStorage implements ThrottlerStorage {
  private readonly shared: ThrottlerStorageRedisService;
  private readonly local = new FixedWindowThrottlerStorage();

  constructor(private readonly redis: SharedRedis) {
    if (!redis.client) throw new Error('SharedThrottlerStorage needs REDIS_URL');
    this.shared = new ThrottlerStorageRedisService(redis.client);
  }

  async increment(
    key: string,
    ttl: number,
    limit: number,
    blockDuration: number,
    throttlerName: string,
  ): Promise<Record> {
    if (!this.redis.reachable)
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    try {
      const shared = this.redis.key(key);
      return await this.shared.increment(shared, ttl, limit, blockDuration, throttlerName);
    } catch (error) {
      this.redis.warn(error);
      return this.local.increment(key, ttl, limit, blockDuration, throttlerName);
    }
  }
}
