import { Type } from 'class-transformer';
import { IsInt, Max, Min } from 'class-validator';
import { ConfigError, validateEnv } from '../config/validate-env';
import { SERVICE_PORTS } from '../config/service-ports';

/** Resilience settings shared by every upstream of a service. */
export class UpstreamEnv {
  @Type(() => Number)
  @IsInt()
  @Min(50)
  @Max(60_000)
  UPSTREAM_TIMEOUT_MS = 2000;

  /** extra attempts for calls that are safe to repeat (GET, or POST with an idempotency key) */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(5)
  UPSTREAM_RETRIES = 2;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  UPSTREAM_BREAKER_THRESHOLD = 5;

  @Type(() => Number)
  @IsInt()
  @Min(100)
  UPSTREAM_BREAKER_HALF_OPEN_MS = 10_000;
}

export interface UpstreamSettings {
  timeoutMs: number;
  retries: number;
  breakerThreshold: number;
  breakerHalfOpenMs: number;
  /** upstream name -> base URL (scheme, host, port), from <NAME>_SERVICE_URL or the SPEC port */
  baseUrls: Record<string, string>;
}

export function upstreamEnvName(upstream: string): string {
  return `${upstream.toUpperCase().replace(/-/g, '_')}_SERVICE_URL`;
}

export function loadUpstreamSettings(
  upstreams: string[],
  env: Record<string, string | undefined>,
): UpstreamSettings {
  const parsed = validateEnv(UpstreamEnv, env);
  const baseUrls: Record<string, string> = {};
  const problems: string[] = [];
  for (const upstream of upstreams) {
    const variable = upstreamEnvName(upstream);
    const raw = env[variable] || `http://localhost:${SERVICE_PORTS[upstream]}`;
    try {
      const url = new URL(raw);
      if (!['http:', 'https:'].includes(url.protocol)) throw new Error('scheme');
      baseUrls[upstream] = raw.replace(/\/+$/, '');
    } catch {
      problems.push(`${variable} must be an http(s) URL`);
    }
  }
  if (problems.length > 0) throw new ConfigError(problems);
  return {
    timeoutMs: parsed.UPSTREAM_TIMEOUT_MS,
    retries: parsed.UPSTREAM_RETRIES,
    breakerThreshold: parsed.UPSTREAM_BREAKER_THRESHOLD,
    breakerHalfOpenMs: parsed.UPSTREAM_BREAKER_HALF_OPEN_MS,
    baseUrls,
  };
}
