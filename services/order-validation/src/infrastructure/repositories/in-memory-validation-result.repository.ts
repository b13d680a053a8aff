import { Injectable } from '@nestjs/common';
import { ValidationResult } from '../../domain/entities/validation-result';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { OrderValidationConfig } from '../config/order-validation.config';
import { LRUCache } from 'lru-cache';

/**
 * The last result per order, in this process's memory (SPEC.md: order-validation has no
 * database): bounded by VALIDATION_CACHE_MAX results and VALIDATION_CACHE_TTL_SECONDS of age.
 * Results are lost on restart and not shared between instances; a client that finds none
 * validates again.
 */
@Injectable()
export class InMemoryValidationResultRepository extends ValidationResultRepository {
  // least recently used evicted past the count; age from the last save, not from reads
  private readonly cache: LRUCache<string, ValidationResult>;

  constructor(config: OrderValidationConfig) {
    super();
    this.cache = new LRUCache({
      max: config.cacheMaxEntries,
      ttl: config.cacheTtlSeconds * 1000,
      // the wall clock, read on every check: ages count in real time (and tests can set it)
      perf: { now: () => Date.now() },
      ttlResolution: 0,
    });
  }

  save(result: ValidationResult): Promise<void> {
    this.cache.set(result.orderId, result);
    return Promise.resolve();
  }

  findByOrderId(orderId: string): Promise<ValidationResult | null> {
    return Promise.resolve(this.cache.get(orderId.toLowerCase()) ?? null);
  }
}
