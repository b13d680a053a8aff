import type { ProblemDto } from '@app/contracts';

/** A typed client's answer: the body on success, or the upstream's problem for a 4xx. */
export type UpstreamAnswer<T> =
  | { ok: true; status: number; body: T }
  | { ok: false; status: number; problem: ProblemDto & Record<string, unknown> };

export function answer<T>(response: { status: number; data: unknown }): UpstreamAnswer<T> {
  if (response.status >= 200 && response.status < 300) {
    return { ok: true, status: response.status, body: response.data as T };
  }
  return {
    ok: false,
    status: response.status,
    problem: response.data as ProblemDto & Record<string, unknown>,
  };
}
