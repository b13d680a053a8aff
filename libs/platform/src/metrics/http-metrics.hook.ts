import type { FastifyInstance } from 'fastify';
import { MetricsService } from './metrics.service';

/**
 * Observes every response at the Fastify layer, labelled with the route template
 * (`/api/v1/products/:id`), never the raw URL, so label cardinality stays bounded.
 */
export function registerHttpMetrics(fastify: FastifyInstance, metrics: MetricsService): void {
  fastify.addHook('onResponse', (request, reply, done) => {
    const route = request.routeOptions?.url ?? 'unmatched';
    if (route !== '/metrics') {
      metrics.observe(request.method, route, reply.statusCode, reply.elapsedTime / 1000);
    }
    done();
  });
}
