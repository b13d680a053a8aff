import { FastifyAdapter } from '@nestjs/platform-fastify';
import type { PlatformConfig } from '../config/platform.config';
import { REQUEST_ID_HEADER, requestIdFor } from '../logging/request-id';

export function createFastifyAdapter(config: PlatformConfig): FastifyAdapter {
  return new FastifyAdapter({
    bodyLimit: config.bodyLimitBytes,
    // The id is generated (or accepted) once here; pino-http and outbound clients reuse it.
    genReqId: requestIdFor,
    requestIdHeader: REQUEST_ID_HEADER,
    // Nest's pino-http logs requests; Fastify's own logger stays off.
    logger: false,
    trustProxy: false,
    // SPEC writes collection routes with a trailing slash (/api/v1/products/); accept both.
    routerOptions: { ignoreTrailingSlash: true },
    // On close: stop accepting, let in-flight requests finish, drop idle keep-alive sockets.
    forceCloseConnections: 'idle',
    return503OnClosing: true,
  });
}
