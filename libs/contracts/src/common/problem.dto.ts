import { ApiProperty, ApiPropertyOptional } from '@nestjs/swagger';

export class ProblemFieldErrorDto {
  @ApiProperty({ description: 'Path of the offending field', example: 'price' })
  field: string;

  @ApiProperty({
    description: 'What is wrong with it',
    example: 'price must be a number with at most 2 decimal places',
  })
  message: string;
}

export class ProblemShortItemDto {
  @ApiProperty({ format: 'uuid' })
  product_id: string;

  @ApiPropertyOptional({ description: 'Units asked for' })
  requested?: number;

  @ApiPropertyOptional({ description: 'Units left' })
  available?: number;
}

/** RFC 9457 problem details, the body of every error response (`application/problem+json`). */
export class ProblemDto {
  @ApiProperty({
    description: 'URI identifying the problem type',
    example: 'https://nest-commerce.dev/problems/validation-error',
  })
  type: string;

  @ApiProperty({ description: 'Short human-readable summary', example: 'Bad Request' })
  title: string;

  @ApiProperty({ description: 'HTTP status code', example: 400 })
  status: number;

  @ApiProperty({ description: 'Explanation of this occurrence', example: 'Validation failed' })
  detail: string;

  @ApiPropertyOptional({
    description:
      'The request path, without its query; left out when the path is too long or not a ' +
      'valid URL path (e.g. 414)',
    example: '/api/v1/products',
  })
  instance?: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'Field-level errors (400)' })
  errors?: ProblemFieldErrorDto[];

  // Extension members some problems add (RFC 9457 §3.2); others may appear too.
  @ApiPropertyOptional({ format: 'uuid', description: 'The order concerned' })
  order_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The product concerned' })
  product_id?: string;

  @ApiPropertyOptional({
    type: [String],
    format: 'uuid',
    description: 'Unknown products (`product-not-found`)',
  })
  product_ids?: string[];

  @ApiPropertyOptional({
    type: [ProblemShortItemDto],
    description: 'The short lines (`insufficient-stock`)',
  })
  items?: ProblemShortItemDto[];

  @ApiPropertyOptional({ format: 'uuid', description: 'The payment concerned' })
  payment_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The cart concerned' })
  cart_id?: string;

  @ApiPropertyOptional({ format: 'uuid', description: 'The delivery concerned' })
  delivery_id?: string;

  @ApiPropertyOptional({ description: 'The tracking number concerned' })
  tracking_number?: string;

  @ApiPropertyOptional({ description: 'The status the resource is in (`illegal-transition`)' })
  current_status?: string;

  @ApiPropertyOptional({ description: 'The status asked for (`illegal-transition`)' })
  requested_status?: string;

  @ApiPropertyOptional({ description: 'A limit that was exceeded', example: 1000 })
  max?: number;

  @ApiPropertyOptional({
    type: 'object',
    additionalProperties: {
      type: 'object',
      properties: { status: { type: 'string', enum: ['up', 'down'] } },
    },
    description: 'Per dependency: up or down (503 of /health)',
  })
  checks?: Record<string, { status: string }>;
}
