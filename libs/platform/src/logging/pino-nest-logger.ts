import type { LoggerService, LogLevel } from '@nestjs/common';
import type { FastifyBaseLogger } from 'fastify';
import type { Level } from 'pino';

const LEVELS: Record<LogLevel, Level> = {
  verbose: 'trace',
  debug: 'debug',
  log: 'info',
  warn: 'warn',
  error: 'error',
  fatal: 'fatal',
};

/**
 * Nest's Logger API over the service's pino logger. Nest appends the logger's context as the
 * last string argument; `error(message, stack, context)` passes a stack, which is dropped:
 * no stack trace reaches a log line.
 */
export class PinoNestLogger implements LoggerService {
  constructor(private readonly logger: FastifyBaseLogger) {}

  log(message: unknown, ...params: unknown[]): void {
    this.write('log', message, params);
  }
  error(message: unknown, ...params: unknown[]): void {
    this.write('error', message, params);
  }
  warn(message: unknown, ...params: unknown[]): void {
    this.write('warn', message, params);
  }
  debug(message: unknown, ...params: unknown[]): void {
    this.write('debug', message, params);
  }
  verbose(message: unknown, ...params: unknown[]): void {
    this.write('verbose', message, params);
  }
  fatal(message: unknown, ...params: unknown[]): void {
    this.write('fatal', message, params);
  }

  private write(nestLevel: LogLevel, message: unknown, params: unknown[]): void {
    const level = LEVELS[nestLevel];
    const rest = [...params];
    const context = typeof rest.at(-1) === 'string' ? (rest.pop() as string) : undefined;
    const fields: Record<string, unknown> = context ? { context } : {};
    if (message instanceof Error) {
      this.logger[level]({ ...fields, err: message }, message.message);
    } else if (typeof message === 'object' && message !== null) {
      const text = typeof rest[0] === 'string' ? rest[0] : undefined;
      this.logger[level]({ ...fields, ...message }, text);
    } else if (nestLevel === 'error') {
      // rest, if any, is the stack
      this.logger[level](fields, String(message));
    } else {
      this.logger[level](fields, String(message), ...rest);
    }
  }
}
