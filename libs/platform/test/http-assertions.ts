import { MAX_INSTANCE_LENGTH } from '../src';

export interface SeenResponse {
  status: number;
  headers: Record<string, string | string[] | number | undefined>;
  body: string;
}

/**
 * What every error answer must be: problem+json in our shape, naming no framework, no stack
 * frame, and not echoing `echoed` (a hostile or over-long input) anywhere in the body.
 * Returns the parsed problem for further checks.
 */
export function expectCleanProblem(
  res: SeenResponse,
  status: number | number[],
  echoed: string[] = [],
): Record<string, unknown> {
  const statuses = Array.isArray(status) ? status : [status];
  expect(statuses).toContain(res.status);
  expect(String(res.headers['content-type'])).toMatch(/^application\/problem\+json/);
  const problem = JSON.parse(res.body) as Record<string, unknown>;
  expect(problem).toMatchObject({
    type: expect.stringMatching(/^https:\/\/nest-commerce\.dev\/problems\/[a-z-]+$/),
    title: expect.any(String),
    status: res.status,
    detail: expect.any(String),
  });
  if (problem.instance !== undefined) {
    expect(typeof problem.instance).toBe('string');
    const instance = problem.instance as string;
    expect(instance.length).toBeLessThanOrEqual(MAX_INSTANCE_LENGTH);
    expect(instance).toMatch(/^\/[A-Za-z0-9\-._~!$&'()*+,;=:@%/]*$/);
  }
  // framework names and codes, stack frames ("at fn (file.js:1:2)")
  expect(res.body).not.toMatch(/FST_|fastify|ThrottlerException|\bat \S+ \(|\.[jt]s:\d+/i);
  for (const value of echoed) {
    if (value.length >= 6) expect(res.body).not.toContain(value);
  }
  return problem;
}
