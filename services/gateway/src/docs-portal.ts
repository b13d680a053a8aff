import path from 'node:path';
import type { FastifyInstance } from 'fastify';
import fastifyStatic from '@fastify/static';
import type { GatewayConfig } from './gateway.config';
import { publicDocument } from './openapi-filter';
import { ORDER_FLOW_GUIDE } from './order-flow-guide';
import { edgeProblemOf, sendProblem } from './problem-reply';
import { UPSTREAMS, UpstreamName } from './upstreams';

const DOCS_FETCH_TIMEOUT_MS = 5000;

const PAGE = `<!doctype html>
<html lang="en">
  <head>
    <meta charset="utf-8" />
    <title>nest-commerce API</title>
    <link rel="stylesheet" href="/docs/assets/swagger-ui.css" />
  </head>
  <body>
    <div id="swagger-ui"></div>
    <script src="/docs/assets/swagger-ui-bundle.js"></script>
    <script src="/docs/assets/swagger-ui-standalone-preset.js"></script>
    <script src="/docs/portal.js"></script>
  </body>
</html>
`;

/** The portal's Swagger UI: one entry per service in the selector, the user service first. */
const portalScript = () => `window.onload = function () {
  window.ui = SwaggerUIBundle({
    urls: ${JSON.stringify(UPSTREAMS.map(({ name }) => ({ url: `/docs/${name}.json`, name })))},
    'urls.primaryName': 'user',
    dom_id: '#swagger-ui',
    deepLinking: true,
    persistAuthorization: true,
    presets: [SwaggerUIBundle.presets.apis, SwaggerUIStandalonePreset],
    plugins: [SwaggerUIBundle.plugins.DownloadUrl],
    layout: 'StandaloneLayout',
  });
};
`;

/**
 * `GET /docs`: one Swagger UI over the seven services; `GET /docs/<service>.json`: the service's
 * /docs-json, fetched on demand and cut down to what a client can call through the edge.
 */
export async function registerDocsPortal(
  app: FastifyInstance,
  config: GatewayConfig,
): Promise<void> {
  await app.register(fastifyStatic, {
    // swagger-ui-dist comes with @nestjs/swagger (the services' own /docs use it too)
    root: path.dirname(require.resolve('swagger-ui-dist/package.json')),
    prefix: '/docs/assets/',
    allowedPath: (pathName) => /^\/[\w.-]+\.(js|css|png|map)$/.test(pathName),
    index: false,
  });
  app.get('/docs', (_request, reply) =>
    reply.type('text/html; charset=utf-8').header('cache-control', 'no-cache').send(PAGE),
  );
  app.get('/docs/portal.js', (_request, reply) =>
    reply.type('application/javascript; charset=utf-8').send(portalScript()),
  );
  app.get<{ Params: { service: string } }>('/docs/:service', async (request, reply) => {
    const name = /^([a-z-]+)\.json$/.exec(request.params.service)?.[1];
    const upstream = UPSTREAMS.find((u) => u.name === name);
    if (!upstream) {
      const problem = edgeProblemOf(404);
      return sendProblem(request, reply, 404, problem.code, 'No such service document.');
    }
    const document = await fetchDocument(config.upstreams[upstream.name as UpstreamName]);
    if (!document) {
      const problem = edgeProblemOf(503);
      void reply.header('retry-after', '1');
      return sendProblem(
        request,
        reply,
        503,
        problem.code,
        `The ${upstream.name} service's documentation is unavailable. Retry later.`,
      );
    }
    const guide = upstream === UPSTREAMS[0] ? ORDER_FLOW_GUIDE : undefined;
    return reply.header('cache-control', 'no-cache').send(publicDocument(document, guide));
  });
}

async function fetchDocument(base: string): Promise<Record<string, unknown> | undefined> {
  try {
    const response = await fetch(`${base}/docs-json`, {
      signal: AbortSignal.timeout(DOCS_FETCH_TIMEOUT_MS),
    });
    if (!response.ok) return undefined;
    return (await response.json()) as Record<string, unknown>;
  } catch {
    return undefined;
  }
}
