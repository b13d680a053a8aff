// RFC 9457 problem details. `type` is a stable URI per error code, documented in docs/errors.md.
export const PROBLEM_TYPE_BASE = 'https://nest-commerce.dev/problems/';

export interface FieldError {
  field: string;
  message: string;
}

export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  instance: string;
  errors?: FieldError[];
  [extension: string]: unknown;
}

export const PROBLEM_CONTENT_TYPE = 'application/problem+json';

export function problemType(code: string): string {
  return `${PROBLEM_TYPE_BASE}${code.replace(/_/g, '-')}`;
}
