import { Injectable } from '@nestjs/common';
import { ValidationResult } from '../../domain/entities/validation-result';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { OrderValidationConfig } from '../config/order-validation.config';
import { LruTtlCache } from '../cache/lru-ttl-cache';

/**
 * The last result per order, in this process's memory (SPEC.md: order-validation has no
 * database): bounded by VALIDATION_CACHE_MAX results and VALIDATION_CACHE_TTL_SECONDS of age.
 * Results are lost on restart and not shared between instances; a client that finds none
 * validates again.
 */
@Injectable()
export class InMemoryValidationResultRepository extends ValidationResultRepository {
  private readonly cache: LruTtlCache<string, ValidationResult>;

  constructor(config: OrderValidationConfig) {
    super();
    this.cache = new LruTtlCache(config.cacheMaxEntries, config.cacheTtlSeconds * 1000);
  }

  save(result: ValidationResult): Promise<void> {
    this.cache.set(result.orderId, result);
    return Promise.resolve();
  }

  findByOrderId(orderId: string): Promise<ValidationResult | null> {
    return Promise.resolve(this.cache.get(orderId.toLowerCase()) ?? null);
  }
}
