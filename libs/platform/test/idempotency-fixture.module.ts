import { Body, Controller, DynamicModule, HttpCode, Module, Post } from '@nestjs/common';
import { ApiOkResponse } from '@nestjs/swagger';
import { IdempotencyKey, PlatformModule, requestHash } from '../src';

/** Echoes the validated Idempotency-Key header and the body's hash, as a controller uses them. */
@Controller('fixture')
class IdempotencyFixtureController {
  @Post('idempotent')
  @HttpCode(200)
  @ApiOkResponse({
    schema: {
      type: 'object',
      properties: { key: { type: 'string', nullable: true }, hash: { type: 'string' } },
    },
  })
  echo(
    @Body() body: Record<string, unknown>,
    @IdempotencyKey() key: string | undefined,
  ): { key: string | null; hash: string } {
    return { key: key ?? null, hash: requestHash(body) };
  }
}

/** A service with nothing but the platform's Idempotency-Key store, on its own database. */
@Module({})
export class IdempotencyFixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: IdempotencyFixtureModule,
      imports: [
        PlatformModule.forRoot({
          service: 'fixture',
          env,
          database: { entities: [], migrations: [] },
          idempotency: { maxHoldSeconds: 120 },
        }),
      ],
      controllers: [IdempotencyFixtureController],
    };
  }
}
