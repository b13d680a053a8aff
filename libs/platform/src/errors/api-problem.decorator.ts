import { applyDecorators } from '@nestjs/common';
import { ApiExtraModels, ApiResponse, getSchemaPath } from '@nestjs/swagger';
import { ProblemDto } from '@app/contracts';
import { problemType, titleOf } from './problem';

/** An example problem body exactly as ProblemExceptionFilter writes it, for Swagger. */
export function problemExample(
  status: number,
  code: string,
  detail: string,
  instance: string,
  extensions: Record<string, unknown> = {},
): Record<string, unknown> {
  return {
    ...extensions,
    type: problemType(code),
    title: titleOf(status),
    status,
    detail,
    instance,
  };
}

/**
 * Named samples (built with problemExample) in the form of an OpenAPI `examples` map, e.g. for
 * `@ApiNotFoundResponse({ type: ProblemDto, description, examples: namedProblemExamples(...) })`.
 */
export function namedProblemExamples(
  examples: Record<string, Record<string, unknown>>,
): Record<string, { summary: string; value: Record<string, unknown> }> {
  return Object.fromEntries(
    Object.entries(examples).map(([name, value]) => [
      name,
      { summary: String(value.detail), value },
    ]),
  );
}

/** A documented problem+json response with named examples (built with problemExample). */
export function ApiProblem(
  status: number,
  description: string,
  examples: Record<string, Record<string, unknown>>,
): MethodDecorator & ClassDecorator {
  return applyDecorators(
    ApiExtraModels(ProblemDto),
    ApiResponse({
      status,
      description,
      content: {
        'application/problem+json': {
          schema: { $ref: getSchemaPath(ProblemDto) },
          examples: namedProblemExamples(examples),
        },
      },
    }),
  );
}
