import type { Params } from 'nestjs-pino';
import pino from 'pino';
import type { PlatformConfig } from '../config/platform.config';
import { backgroundLogFields } from '../context/request-context';

// Headers that carry credentials never reach a log line.
const REDACT = [
  'req.headers.authorization',
  'req.headers.cookie',
  'req.headers["x-service-key"]',
  'res.headers["set-cookie"]',
];

/**
 * JSON lines through pino. Each request line and every line logged while serving it carries
 * `request_id` (the X-Request-Id the platform accepted or generated); so does every line of
 * background work run under runWithRequestId (relay deliveries, jobs). In tests the stream is
 * process.stdout so suites can capture and search the log lines.
 */
export function loggerOptions(config: PlatformConfig): Params {
  const stream = config.nodeEnv === 'test' ? process.stdout : pino.destination({ sync: false });
  return {
    pinoHttp: [
      {
        level: config.logLevel,
        base: { service: config.service },
        timestamp: pino.stdTimeFunctions.isoTime,
        redact: { paths: REDACT, censor: '[redacted]' },
        customAttributeKeys: { reqId: 'request_id' },
        mixin: backgroundLogFields,
        quietReqLogger: true,
        genReqId: (req) => (req as unknown as { id: string }).id,
        serializers: {
          req: (req: { method: string; url: string }) => ({
            method: req.method,
            path: req.url.split('?')[0],
          }),
          res: (res: { statusCode: number }) => ({ status_code: res.statusCode }),
          err: (err: Error) => ({ class: err.constructor?.name ?? 'Error' }),
        },
        customSuccessMessage: (req, res, responseTime) =>
          `${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode} ${Math.round(responseTime)}ms`,
        customErrorMessage: (req, res) =>
          `${req.method} ${(req.url ?? '').split('?')[0]} ${res.statusCode}`,
        autoLogging: { ignore: (req) => req.url === '/health' || req.url === '/metrics' },
      },
      stream,
    ],
    forRoutes: ['*path'],
  };
}
