/**
 * The stable codes of failed rules. The wire vocabulary (VALIDATION_CODES in @app/contracts)
 * lists the same strings; a unit test keeps the two equal.
 */
export const VALIDATION_ISSUE_CODES = [
  'order_not_found',
  'order_not_creada',
  'order_empty',
  'user_not_found',
  'product_not_found',
  'invalid_quantity',
  'price_mismatch',
  'total_mismatch',
] as const;

export type ValidationIssueCode = (typeof VALIDATION_ISSUE_CODES)[number];

/** One failed rule; `productId` names the line when the rule is about one. */
export interface ValidationIssue {
  code: ValidationIssueCode;
  message: string;
  productId?: string;
}
