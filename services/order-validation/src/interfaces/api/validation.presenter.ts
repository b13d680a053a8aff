import { ValidationResultDto } from '@app/contracts';
import { ValidationResult } from '../../domain/entities/validation-result';

/** Domain → wire for validation results. Fields are listed explicitly (a whitelist). */
export const ValidationPresenter = {
  toResponse(result: ValidationResult): ValidationResultDto {
    return {
      order_id: result.orderId,
      valid: result.valid,
      errors: result.issues.map((issue) => ({
        code: issue.code,
        message: issue.message,
        ...(issue.productId ? { product_id: issue.productId } : {}),
      })),
      validated_at: result.validatedAt.toISOString(),
    };
  },
};
