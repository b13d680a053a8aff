import { Controller, Get, Inject, Optional } from '@nestjs/common';
import {
  ApiOkResponse,
  ApiOperation,
  ApiServiceUnavailableResponse,
  ApiTags,
} from '@nestjs/swagger';
import { SkipThrottle } from '@nestjs/throttler';
import {
  HealthCheck,
  HealthCheckResult,
  HealthCheckService,
  HealthIndicatorFunction,
  TypeOrmHealthIndicator,
} from '@nestjs/terminus';

/** Extra checks a service adds (e.g. order-validation's upstreams). */
export const EXTRA_HEALTH_CHECKS = Symbol('EXTRA_HEALTH_CHECKS');

@ApiTags('operations')
@SkipThrottle()
@Controller('health')
export class HealthController {
  constructor(
    private readonly health: HealthCheckService,
    @Optional() private readonly db?: TypeOrmHealthIndicator,
    @Optional() @Inject(EXTRA_HEALTH_CHECKS) private readonly extra: HealthIndicatorFunction[] = [],
    @Optional() @Inject('PLATFORM_HAS_DATABASE') private readonly hasDatabase = false,
  ) {}

  @Get()
  @HealthCheck()
  @ApiOperation({ summary: 'Readiness: the database and upstreams this service needs are up' })
  @ApiOkResponse({ description: 'Ready: every dependency is up.' })
  @ApiServiceUnavailableResponse({ description: 'A dependency (database, upstream) is down.' })
  check(): Promise<HealthCheckResult> {
    const checks: HealthIndicatorFunction[] = [...(this.extra ?? [])];
    if (this.hasDatabase && this.db) {
      const db = this.db;
      checks.unshift(() => db.pingCheck('database', { timeout: 1500 }));
    }
    return this.health.check(checks);
  }
}
