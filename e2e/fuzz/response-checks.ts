// What every response must be, whatever was sent: never a 5xx; every error an RFC 9457
// problem+json whose `status` is the HTTP status; nothing internal in the body; no echo of an
// over-long input.
import type { RawResponse } from './raw-http';

export type Check =
  | 'no-response'
  | 'status-5xx'
  | 'not-problem-json'
  | 'problem-shape'
  | 'leak-stack'
  | 'leak-sql'
  | 'leak-path'
  | 'leak-framework'
  | 'echo-long-input'
  | 'request-id';

export interface Violation {
  check: Check;
  detail: string;
}

const LEAKS: Array<[Check, RegExp]> = [
  // a stack frame: "at fn (/abs/file.js:1:2)", "at node:internal/x:1:2", "at <anonymous>"
  [
    'leak-stack',
    /\bat (?:async )?(?:[\w$.<>[\]]+ )?\(?(?:node:|file:|\/)[^\s()"]*:\d+:\d+\)?|\bat <anonymous>/,
  ],
  ['leak-stack', /\.(?:ts|js|mjs|cjs):\d+/],
  ['leak-sql', /\bSELECT\b|\bINSERT INTO\b|\bUPDATE\b[^"]{0,200}\bSET\b|\bDELETE FROM\b/],
  [
    'leak-sql',
    /violates|syntax error at or near|invalid input syntax|QueryFailedError|duplicate key value|relation "|out of range for type|unsupported Unicode escape sequence|invalid byte sequence/i,
  ],
  [
    'leak-path',
    /(?:^|[\s"'(=])\/(?:home|usr|work|app|opt|var|tmp|root|srv|etc|proc)\/|node_modules|[A-Z]:\\/,
  ],
  ['leak-framework', /FST_|fastify/i],
];

const REQUEST_ID = /^[\w.:-]{1,128}$/;

/** Inputs this long must not come back in an error body (a 64-character slice is looked for). */
export const LONG_INPUT = 200;

export function checkResponse(res: RawResponse, longInputs: string[]): Violation[] {
  if (res.status <= 0) {
    return [{ check: 'no-response', detail: res.error ?? 'no response' }];
  }
  const violations: Violation[] = [];
  if (res.status >= 500) violations.push({ check: 'status-5xx', detail: `status ${res.status}` });
  if (res.status >= 400) violations.push(...problemViolations(res));
  for (const [check, pattern] of LEAKS) {
    const match = pattern.exec(res.text);
    if (match && !violations.some((v) => v.check === check)) {
      violations.push({ check, detail: `matched ${JSON.stringify(match[0].slice(0, 80))}` });
    }
  }
  // the documented X-Request-Id whitelist: an id outside it is replaced, never echoed
  const requestId = res.headers['x-request-id'];
  if (requestId !== undefined && !(typeof requestId === 'string' && REQUEST_ID.test(requestId))) {
    violations.push({
      check: 'request-id',
      detail: `x-request-id ${JSON.stringify(String(requestId).slice(0, 40))}`,
    });
  }
  // an error body must not quote a long input back; no response header may, whatever the status
  const headerText = Object.values(res.headers).flat().join('\n');
  for (const input of longInputs) {
    const probe = input.slice(0, 64);
    const where =
      res.status >= 400 && res.text.includes(probe)
        ? 'body'
        : headerText.includes(probe)
          ? 'headers'
          : undefined;
    if (where) {
      violations.push({ check: 'echo-long-input', detail: `${where} echo a long input` });
      break;
    }
  }
  return violations;
}

function problemViolations(res: RawResponse): Violation[] {
  const contentType = String(res.headers['content-type'] ?? '');
  if (!contentType.startsWith('application/problem+json')) {
    return [{ check: 'not-problem-json', detail: `content-type ${JSON.stringify(contentType)}` }];
  }
  let body: Record<string, unknown>;
  try {
    body = JSON.parse(res.text) as Record<string, unknown>;
  } catch {
    return [{ check: 'problem-shape', detail: 'body is not JSON' }];
  }
  const missing = ['type', 'title', 'detail'].filter((key) => typeof body?.[key] !== 'string');
  if (missing.length > 0) {
    return [{ check: 'problem-shape', detail: `no string ${missing.join(', ')}` }];
  }
  if (body.status !== res.status) {
    return [
      {
        check: 'problem-shape',
        detail: `status ${JSON.stringify(body.status)} in a ${res.status} response`,
      },
    ];
  }
  return [];
}

/** A short, id-free summary of a response body, to group failures by cause. */
export function shortBody(res: RawResponse): string {
  let summary = res.text;
  try {
    const body = JSON.parse(res.text) as Record<string, unknown>;
    if (body && typeof body === 'object') {
      const type = typeof body.type === 'string' ? body.type.replace(/^.*\/problems\//, '') : '';
      const detail = [body.detail, body.message, body.code, body.error, body.status].find(
        (value) => typeof value === 'string',
      );
      summary = [type, detail].filter(Boolean).join(': ') || res.text;
    }
  } catch {
    // not JSON: the text itself
  }
  return summary
    .replace(/[0-9a-f]{8}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{4}-[0-9a-f]{12}/gi, '<uuid>')
    .replace(/'[^']*'/g, "'…'") // quoted input (a path, a value)
    .replace(/(.)\1{20,}/g, '$1…')
    .replace(/\d{3,}/g, '<n>')
    .slice(0, 160);
}
