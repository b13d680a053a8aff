import type { HealthIndicatorResult, HealthIndicatorService } from '@nestjs/terminus';
import type { HttpTransport } from '../http/http-transport';

/**
 * An upstream is up when its /health answers 2xx within the timeout (what terminus's
 * HttpHealthIndicator checked through axios; this goes through the services' own client).
 */
export async function pingUpstream(
  indicators: HealthIndicatorService,
  transport: HttpTransport,
  name: string,
  url: string,
  timeoutMs = 1500,
): Promise<HealthIndicatorResult> {
  const check = indicators.check(name);
  try {
    const { status } = await transport.send({
      method: 'GET',
      url,
      headers: { accept: 'application/json' },
      signal: AbortSignal.timeout(timeoutMs),
      timeoutMs,
    });
    return status >= 200 && status < 300
      ? check.up()
      : check.down({ message: `answered ${status}` });
  } catch {
    return check.down({ message: 'no answer' });
  }
}
