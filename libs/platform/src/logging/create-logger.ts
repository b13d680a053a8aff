import pino, { type Logger } from 'pino';
import type { PlatformConfig } from '../config/platform.config';
import { currentRequestId } from '../context/request-context';
import { gatheredStdout } from './gathered-stdout';
import { REQUEST_LINES, requestLineSink } from './request-line';

// Headers that carry credentials never reach a log line (no serializer logs headers today;
// this keeps it so if one ever does).
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-service-key"]',
  'res.headers["set-cookie"]',
];

/** Lines gathered up to this size before one write to stdout ... */
const CHUNK_CHARS = 4096;
/** ... and written at least this often, so a quiet service's last lines show promptly. */
const FLUSH_EVERY_MS = 200;
/**
 * Log text held for a stdout reader that has fallen behind (about 10 s of a busy service's
 * lines) before new lines are dropped and counted: memory stays bounded if the reader stops.
 */
const MAX_PENDING_BYTES = 16 * 1024 * 1024;

/** The warning, in the service's own line format, that says how many lines a slow reader lost. */
function droppedLinesWarning(service: string): (lines: number) => string {
  return (lines) =>
    `${JSON.stringify({
      level: 40,
      time: new Date().toISOString(),
      service,
      dropped_lines: lines,
      msg: 'log lines dropped: the reader of stdout fell behind',
    })}\n`;
}

/**
 * pino's isoTime (`,"time":"<ISO 8601>"`), formatted once per millisecond: under load many
 * lines share one.
 */
function cachedIsoTime(): () => string {
  let at = NaN;
  let text = '';
  return () => {
    const now = Date.now();
    if (now !== at) {
      at = now;
      text = `,"time":"${new Date(now).toISOString()}"`;
    }
    return text;
  };
}

/**
 * The one pino logger of a service: Fastify logs through it (its `loggerInstance`), Nest's
 * Logger through PinoNestLogger, and the request lines come from an onResponse hook. Every
 * line written while a request is served carries its `request_id`. In tests the stream looks
 * process.stdout up at each write, so suites can capture and search the log lines.
 */
export function createLogger(
  config: Pick<PlatformConfig, 'service' | 'nodeEnv' | 'logLevel'>,
): Logger {
  const stream =
    config.nodeEnv === 'test'
      ? { write: (line: string) => process.stdout.write(line) }
      : gatheredStdout({
          chunkChars: CHUNK_CHARS,
          flushEveryMs: FLUSH_EVERY_MS,
          maxPendingBytes: MAX_PENDING_BYTES,
          droppedLine: droppedLinesWarning(config.service),
        });
  const timestamp = cachedIsoTime();
  const logger = pino(
    {
      level: config.logLevel,
      base: { service: config.service },
      timestamp,
      redact: { paths: REDACT, censor: '[redacted]' },
      mixin: () => {
        const requestId = currentRequestId();
        return requestId ? { request_id: requestId } : {};
      },
      serializers: {
        req: (req: { method: string; url: string }) => ({
          method: req.method,
          path: req.url.split('?')[0],
        }),
        res: (res: { statusCode: number }) => ({ status_code: res.statusCode }),
        // the class only: messages and stacks may carry SQL or input
        err: (err: Error) => ({ class: err.constructor?.name ?? 'Error' }),
      },
    },
    stream,
  );
  // the request lines' own path to the same stream (request-line.ts); pino's children (Fastify
  // makes one of this logger) inherit it
  Object.defineProperty(logger, REQUEST_LINES, {
    value: requestLineSink(config.service, timestamp, stream),
  });
  return logger;
}
