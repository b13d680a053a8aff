import type { FastifyReply } from 'fastify';
import { API_CSP } from '@app/platform/bootstrap/framework-error-handlers';

/** The services' Swagger UI policy: own scripts and styles (inline styles), same-origin fetches. */
const DOCS_CSP = [
  "default-src 'self'",
  "base-uri 'self'",
  "connect-src 'self'",
  "font-src 'self' data:",
  "form-action 'self'",
  "frame-ancestors 'none'",
  "img-src 'self' data: validator.swagger.io",
  "object-src 'none'",
  "script-src 'self'",
  "script-src-attr 'none'",
  "style-src 'self' 'unsafe-inline'",
].join('; ');

/**
 * The headers of the edge's own answers (portal, /health, its problems), as the services' helmet
 * sets them; a proxied answer carries the service's own instead. No HSTS: TLS ends in front.
 */
export function setSecurityHeaders(path: string, reply: FastifyReply): void {
  const docs = path === '/docs' || path.startsWith('/docs/');
  void reply
    .header('content-security-policy', docs ? DOCS_CSP : API_CSP)
    .header('x-content-type-options', 'nosniff')
    .header('x-frame-options', 'DENY')
    .header('referrer-policy', 'no-referrer');
}
