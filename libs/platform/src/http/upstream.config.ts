import { z } from 'zod';
import { envInt, envUrl, parseEnv } from '../config/env-schema';
import { SERVICE_PORTS } from '../config/service-ports';

/** Resilience settings shared by every upstream of a service. */
export const UpstreamEnvSchema = z.object({
  UPSTREAM_TIMEOUT_MS: envInt(50, 60_000).default(2000),
  /** extra attempts for calls that are safe to repeat (GET, or POST with an idempotency key) */
  UPSTREAM_RETRIES: envInt(0, 5).default(2),
  /** consecutive "down" answers (no answer, timeout, 502-504) that open the breaker */
  UPSTREAM_BREAKER_THRESHOLD: envInt(1).default(5),
  /** how long an open breaker fails calls at once before it lets one through to probe */
  UPSTREAM_BREAKER_HALF_OPEN_MS: envInt(100).default(1000),
});

export function upstreamEnvName(upstream: string): string {
  return `${upstream.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`;
}

/** UpstreamEnvSchema plus <NAME>_SERVICE_URL of each upstream (default: its SPEC port). */
export function upstreamEnvSchema(upstreams: string[]) {
  // typed as no keys: known only at run time, an index signature would swallow the others
  const urls: Record<never, z.ZodType<string>> = Object.fromEntries(
    upstreams.map((upstream) => [
      upstreamEnvName(upstream),
      envUrl(['http', 'https']).default(`http://localhost:${SERVICE_PORTS[upstream]}`),
    ]),
  );
  return UpstreamEnvSchema.extend(urls);
}

export function upstreamSettingsSchema(upstreams: string[]) {
  return upstreamEnvSchema(upstreams).transform((env) => ({
    timeoutMs: env.UPSTREAM_TIMEOUT_MS,
    retries: env.UPSTREAM_RETRIES,
    breakerThreshold: env.UPSTREAM_BREAKER_THRESHOLD,
    breakerHalfOpenMs: env.UPSTREAM_BREAKER_HALF_OPEN_MS,
    /** upstream name -> base URL (scheme, host, port), from <NAME>_SERVICE_URL or the SPEC port */
    baseUrls: Object.fromEntries(
      upstreams.map((upstream) => [
        upstream,
        String((env as Record<string, unknown>)[upstreamEnvName(upstream)]).replace(/\/+$/, ''),
      ]),
    ),
  }));
}

export type UpstreamSettings = z.output<ReturnType<typeof upstreamSettingsSchema>>;

export function loadUpstreamSettings(
  upstreams: string[],
  env: Record<string, string | undefined>,
): UpstreamSettings {
  return parseEnv(upstreamSettingsSchema(upstreams), env);
}
