import { ValidationResult } from '../../domain/entities/validation-result';

/**
 * The validation's fact on its way out (`order.validated`): delivered to whoever subscribes
 * (the order service records it in the order's history) until acknowledged. It is held in
 * memory like the results themselves, so a crash loses what was not delivered yet. A backlog
 * too long to take one more refuses it with the platform's upstream-unavailable error (503).
 */
export abstract class ValidationOutbox {
  abstract validated(result: ValidationResult): Promise<void>;
}
