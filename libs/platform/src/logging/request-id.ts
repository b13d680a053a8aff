import { randomUUID } from 'node:crypto';
import type { IncomingMessage } from 'node:http';

// Accept a caller's id only if it is a sane token: it is echoed and logged verbatim.
const ACCEPTABLE = /^[\w.:-]{1,128}$/;

export const REQUEST_ID_HEADER = 'x-request-id';

export function requestIdFor(req: IncomingMessage): string {
  const header = req.headers[REQUEST_ID_HEADER];
  const candidate = Array.isArray(header) ? header[0] : header;
  const id = candidate && ACCEPTABLE.test(candidate) ? candidate : randomUUID();
  // pino-http reads req.id; outbound HTTP clients read it to propagate.
  (req as IncomingMessage & { id: string }).id = id;
  return id;
}
