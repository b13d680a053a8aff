/**
 * The request log line, written without pino's per-line machinery (mixin, serializers,
 * redaction, key-by-key stringification): one template per line, to the logger's own stream.
 * The line is the one pino wrote for `logger.info({ request_id, req, res, responseTime }, msg)`
 * with the serializers of create-logger.ts: the same keys in the same order, e.g.
 *
 *   {"level":30,"time":"2026-12-04T21:35:21.587Z","service":"product","request_id":"…",
 *    "req":{"method":"GET","path":"/api/v1/products/…"},"res":{"status_code":200},
 *    "responseTime":3,"msg":"GET /api/v1/products/… 200 3ms"}
 *
 * (one line). Building it through pino cost about 4 % of a product read's CPU
 * (docs/performance.md); this costs a template string. A spec compares the two on generated
 * requests.
 */

/** Where a logger made by createLogger keeps its request-line sink (children inherit it). */
export const REQUEST_LINES = Symbol('requestLines');

export interface RequestLineFields {
  requestId: string;
  method: string;
  /** the URL's path, never its query */
  path: string;
  statusCode: number;
  /** whole milliseconds */
  responseTime: number;
}

export type RequestLineSink = (level: 'info' | 'error', fields: RequestLineFields) => void;

/** pino's numbers for the two levels a request line is written at. */
const LEVEL_PREFIX = { info: '{"level":30', error: '{"level":50' } as const;

/**
 * `timestamp` is the logger's own (`,"time":"…"`), so the two kinds of line agree; `stream`
 * the logger's destination.
 */
export function requestLineSink(
  service: string,
  timestamp: () => string,
  stream: { write(line: string): unknown },
): RequestLineSink {
  const bindings = `,"service":${JSON.stringify(service)}`;
  return (level, fields) => {
    stream.write(
      `${LEVEL_PREFIX[level]}${timestamp()}${bindings}${requestLineBody(level, fields)}\n`,
    );
  };
}

/** The line after the service binding, without the newline: `,"request_id":…}`. */
export function requestLineBody(level: 'info' | 'error', f: RequestLineFields): string {
  const status = String(f.statusCode);
  const message =
    level === 'error'
      ? `${f.method} ${f.path} ${status}`
      : `${f.method} ${f.path} ${status} ${f.responseTime}ms`;
  return (
    `,"request_id":${jsonString(f.requestId)}` +
    `,"req":{"method":${jsonString(f.method)},"path":${jsonString(f.path)}}` +
    `,"res":{"status_code":${status}},"responseTime":${f.responseTime}` +
    `,"msg":${jsonString(message)}}`
  );
}

/** Characters that a JSON string must escape (and two that JS source should). */
// eslint-disable-next-line no-control-regex
const NEEDS_ESCAPE = /["\\\u0000-\u001f\u2028\u2029\ud800-\udfff]/;

/** JSON.stringify of a string, skipping its work for the usual id, method and path. */
function jsonString(text: string): string {
  return NEEDS_ESCAPE.test(text) ? JSON.stringify(text) : `"${text}"`;
}
