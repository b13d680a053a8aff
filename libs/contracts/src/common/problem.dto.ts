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

  @ApiProperty({ description: 'The request path', example: '/api/v1/products' })
  instance: string;

  @ApiPropertyOptional({ type: [ProblemFieldErrorDto], description: 'Field-level errors (400)' })
  errors?: ProblemFieldErrorDto[];
}
