import { ValidationResult } from '../entities/validation-result';

/**
 * Port: where the last result per order is kept. The service has no database; the adapters
 * keep results in Redis (shared by replicas) or in memory, bounded in age (and in memory, in
 * count), so `find` may forget a saved result.
 */
export abstract class ValidationResultRepository {
  /** Replaces any earlier result for the same order. */
  abstract save(result: ValidationResult): Promise<void>;
  /** The last result for the order, or null (never saved, expired or evicted). */
  abstract findByOrderId(orderId: string): Promise<ValidationResult | null>;
}
