import { ValidationIssue } from './validation-issue';

/**
 * The outcome of validating one order at one moment. Immutable: a new validation makes a new
 * result. `ownerId` is the order's user (null when the order was not found), kept so that the
 * stored result can be shown to its owner without asking the order service again.
 */
export class ValidationResult {
  private constructor(
    readonly orderId: string,
    readonly ownerId: string | null,
    readonly issues: readonly ValidationIssue[],
    readonly validatedAt: Date,
  ) {}

  static of(
    orderId: string,
    ownerId: string | null,
    issues: readonly ValidationIssue[],
    validatedAt: Date,
  ): ValidationResult {
    return new ValidationResult(
      orderId.toLowerCase(),
      ownerId?.toLowerCase() ?? null,
      Object.freeze([...issues]),
      validatedAt,
    );
  }

  /** The order does not exist: the one rule that stops every other. */
  static orderNotFound(orderId: string, validatedAt: Date): ValidationResult {
    return ValidationResult.of(
      orderId,
      null,
      [{ code: 'order_not_found', message: `Order ${orderId.toLowerCase()} does not exist` }],
      validatedAt,
    );
  }

  get valid(): boolean {
    return this.issues.length === 0;
  }

  isOwnedBy(userId: string): boolean {
    return this.ownerId !== null && this.ownerId === userId.toLowerCase();
  }
}
