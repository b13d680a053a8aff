import { randomUUID } from 'node:crypto';
import { STATUS_CODES } from 'node:http';
import type { Socket } from 'node:net';
import type { FastifyError, FastifyReply, FastifyRequest } from 'fastify';
import { describeClientError } from '../errors/framework-errors';
import { PROBLEM_CONTENT_TYPE, buildProblem } from '../errors/problem';
import { REQUEST_ID_HEADER } from '../logging/request-id';

/** What every response of the API carries that helmet would add, for the answers it never sees. */
export const API_CSP = "default-src 'none'; frame-ancestors 'none'";

/**
 * Errors the router raises before any route, hook or Nest filter runs (a path parameter longer
 * than the router allows, a malformed percent-encoding): answered here as problem+json,
 * without the path, which is what the framework's own message would echo.
 */
export function onFrameworkError(
  error: FastifyError,
  request: FastifyRequest,
  reply: FastifyReply,
): void {
  const status = error.statusCode ?? 500;
  const mapped =
    status >= 400 && status < 500
      ? describeClientError(status, error.code)
      : {
          status: 500,
          code: 'internal_error',
          detail: 'An unexpected error occurred. The request id identifies it in the logs.',
        };
  // the over-long or undecodable path is the problem: it is not echoed as `instance`
  const problem = buildProblem(mapped.status, mapped.code, mapped.detail, undefined);
  void reply
    .code(mapped.status)
    .header('content-type', PROBLEM_CONTENT_TYPE)
    .header(REQUEST_ID_HEADER, request.id)
    .header('cache-control', 'no-store')
    .header('content-security-policy', API_CSP)
    .header('x-content-type-options', 'nosniff')
    .send(problem);
}

// How long a refused connection stays open to drain what the client still sends.
const LINGER_MS = 1000;
const answered = new WeakSet<Socket>();

/**
 * Errors of the node HTTP parser, before there is a request at all: headers too large (431),
 * headers or body not received in time (408), a malformed request line or header (400).
 * Written straight to the socket, which is then closed. The close lingers a moment rather
 * than resetting the connection at once (as node and Fastify do): a client still sending its
 * over-long headers would otherwise get a reset instead of the answer.
 */
export function onClientError(error: Error & { code?: string }, socket: Socket): void {
  // a reset connection has nobody left to answer; the parser may report again: answer once
  if (error.code === 'ECONNRESET' || socket.destroyed || answered.has(socket)) return;
  answered.add(socket);
  const status =
    error.code === 'ERR_HTTP_REQUEST_TIMEOUT'
      ? 408
      : error.code === 'HPE_HEADER_OVERFLOW'
        ? 431
        : 400;
  if (!socket.writable) {
    socket.destroy();
    return;
  }
  const mapped = describeClientError(status);
  const body = JSON.stringify(buildProblem(status, mapped.code, mapped.detail, undefined));
  socket.end(
    `HTTP/1.1 ${status} ${STATUS_CODES[status]}\r\n` +
      `Content-Type: ${PROBLEM_CONTENT_TYPE}\r\n` +
      `Content-Length: ${Buffer.byteLength(body)}\r\n` +
      `${REQUEST_ID_HEADER}: ${randomUUID()}\r\n` +
      'Cache-Control: no-store\r\n' +
      `Content-Security-Policy: ${API_CSP}\r\n` +
      'X-Content-Type-Options: nosniff\r\n' +
      'Connection: close\r\n' +
      `\r\n${body}`,
  );
  setTimeout(() => socket.destroy(), LINGER_MS).unref();
}
