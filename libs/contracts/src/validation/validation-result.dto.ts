import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';
import { VALIDATION_CODE_VALUES, ValidationCode } from './validation-codes';

/** One failed rule. */
export class ValidationErrorDto {
  @ApiProperty({
    enum: VALIDATION_CODE_VALUES,
    description: 'Stable machine-readable code of the rule that failed',
    example: 'price_mismatch',
  })
  code: ValidationCode;

  @ApiProperty({
    description: 'What is wrong, for people (wording may change; branch on `code`)',
    example:
      'Product 3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11 costs 21.50 in the catalog, the order says 19.99',
  })
  message: string;

  @ApiPropertyOptional({
    format: 'uuid',
    description:
      'The line the error is about (product_not_found, invalid_quantity, price_mismatch)',
    example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11',
  })
  product_id?: string;
}

/** The answer of `POST /validations/validate`, and the last one, kept, of `GET /validations/{order_id}`. */
export class ValidationResultDto {
  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({ description: 'true exactly when `errors` is empty', example: false })
  valid: boolean;

  @ApiProperty({
    type: [ValidationErrorDto],
    description: 'Every rule that failed (all rules are checked, not only the first)',
  })
  errors: ValidationErrorDto[];

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:31:00.000Z' })
  validated_at: string;
}
