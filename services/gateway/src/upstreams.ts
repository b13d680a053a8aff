/**
 * What the gateway routes: each service's public path prefixes (from its controllers and its
 * /docs-json). Anything else is not routed, so /api/v1/internal/*, /api/v1/stock/reservations
 * (service-to-service), /api/v1/admin/* (outbox and dead letters), /metrics and each service's
 * own /health and /docs answer the gateway's 404.
 */
export const UPSTREAMS = [
  { name: 'user', port: 8001, prefixes: ['/api/v1/auth', '/api/v1/users'] },
  { name: 'product', port: 8000, prefixes: ['/api/v1/products'] },
  { name: 'cart', port: 8003, prefixes: ['/api/v1/carts'] },
  { name: 'order', port: 8005, prefixes: ['/api/v1/orders'] },
  { name: 'payment', port: 8007, prefixes: ['/api/v1/payments'] },
  { name: 'delivery', port: 8002, prefixes: ['/api/v1/deliveries'] },
  { name: 'order-validation', port: 8006, prefixes: ['/api/v1/validations'] },
] as const;

export type UpstreamName = (typeof UPSTREAMS)[number]['name'];

/** `order-validation` → `ORDER_VALIDATION_SERVICE_URL` */
export const urlVariableOf = (name: string): string =>
  `${name.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`;

// A path segment the edge never forwards, even under a public prefix: service-only and
// operator routes (the services keep them under these names), and dot segments, which some
// server on the way might resolve to a path outside the prefix.
const HIDDEN_SEGMENTS = new Set(['internal', 'admin', 'metrics', '.', '..']);

function decoded(segment: string): string {
  try {
    return decodeURIComponent(segment).toLowerCase();
  } catch {
    return segment.toLowerCase();
  }
}

/** The upstream serving `path` (no query), or undefined when the edge does not route it. */
export function upstreamOf(path: string): UpstreamName | undefined {
  const segments = path.split('/').map(decoded);
  if (segments.some((segment) => HIDDEN_SEGMENTS.has(segment))) return undefined;
  for (const upstream of UPSTREAMS) {
    if (upstream.prefixes.some((prefix) => path === prefix || path.startsWith(`${prefix}/`))) {
      return upstream.name;
    }
  }
  return undefined;
}
