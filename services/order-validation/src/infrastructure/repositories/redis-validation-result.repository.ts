import { Injectable } from '@nestjs/common';
import { SharedRedis } from '@app/platform';
import { ValidationIssue } from '../../domain/entities/validation-issue';
import { ValidationResult } from '../../domain/entities/validation-result';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { OrderValidationConfig } from '../config/order-validation.config';
import { InMemoryValidationResultRepository } from './in-memory-validation-result.repository';

interface StoredResult {
  order_id: string;
  owner_id: string | null;
  issues: ValidationIssue[];
  validated_at: string;
}

/**
 * The last result per order in Redis (REDIS_URL), so that whichever replica answers
 * `GET /validations/{order_id}` finds it; kept VALIDATION_CACHE_TTL_SECONDS. This process's
 * memory holds a copy: while Redis cannot answer, a result saved here is still found here.
 */
@Injectable()
export class RedisValidationResultRepository extends ValidationResultRepository {
  private readonly local: InMemoryValidationResultRepository;

  constructor(
    private readonly redis: SharedRedis,
    private readonly config: OrderValidationConfig,
  ) {
    super();
    this.local = new InMemoryValidationResultRepository(config);
  }

  private keyOf(orderId: string): string {
    return this.redis.key(`order-validation:result:${orderId.toLowerCase()}`);
  }

  async save(result: ValidationResult): Promise<void> {
    await this.local.save(result);
    const stored: StoredResult = {
      order_id: result.orderId,
      owner_id: result.ownerId,
      issues: [...result.issues],
      validated_at: result.validatedAt.toISOString(),
    };
    if (!this.redis.reachable) return;
    try {
      await this.redis.client?.set(
        this.keyOf(result.orderId),
        JSON.stringify(stored),
        'EX',
        this.config.cacheTtlSeconds,
      );
    } catch (error) {
      this.redis.warn(error);
    }
  }

  /** The newer of Redis's result and this process's copy (saved here while Redis was away). */
  async findByOrderId(orderId: string): Promise<ValidationResult | null> {
    const local = await this.local.findByOrderId(orderId);
    let text: string | null | undefined;
    if (this.redis.reachable) {
      try {
        text = await this.redis.client?.get(this.keyOf(orderId));
      } catch (error) {
        this.redis.warn(error);
      }
    }
    const shared = text ? parseStored(text) : null;
    if (!shared) return local;
    if (local && local.validatedAt > shared.validatedAt) return local;
    return shared;
  }
}

/** A stored result, or null when it cannot be read (then it is as if none were stored). */
function parseStored(text: string): ValidationResult | null {
  try {
    const stored = JSON.parse(text) as StoredResult;
    const validatedAt = new Date(stored.validated_at);
    if (typeof stored.order_id !== 'string' || !Array.isArray(stored.issues)) return null;
    if (Number.isNaN(validatedAt.getTime())) return null;
    return ValidationResult.of(stored.order_id, stored.owner_id, stored.issues, validatedAt);
  } catch {
    return null;
  }
}
