import { setTimeout as sleep } from 'node:timers/promises';
import {
  Body,
  Controller,
  DynamicModule,
  Get,
  Inject,
  Module,
  Optional,
  Post,
  UseGuards,
} from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiInternalServerErrorResponse,
  ApiOkResponse,
  ApiProperty,
  ApiResponse,
  ApiServiceUnavailableResponse,
} from '@nestjs/swagger';
import { IsInt, IsString, MaxLength, Min } from 'class-validator';
import {
  Auth,
  CurrentUser,
  AuthenticatedUser,
  PlatformModule,
  ServiceAuth,
  ServiceKeyGuard,
  UpstreamClients,
  UuidParam,
} from '../src';
import { Logger } from '@nestjs/common';

// The fixture documents its answers like a service does: every response is contract-checked.
const object = (properties: Record<string, { type: string }>) => ({
  schema: { type: 'object', properties, required: Object.keys(properties) },
});

class EchoDto {
  @ApiProperty()
  @IsString()
  @MaxLength(10)
  name!: string;

  @ApiProperty()
  @IsInt()
  @Min(0)
  count!: number;
}

/** A minimal service exercising what the platform gives every service. */
@Controller('fixture')
class FixtureController {
  private readonly logger = new Logger('FixtureController');

  constructor(@Optional() @Inject(UpstreamClients) private readonly upstreams?: UpstreamClients) {}

  @Get('upstream')
  @ApiOkResponse({ description: 'What the upstream answered.', schema: {} })
  @ApiServiceUnavailableResponse({ description: 'The upstream is unavailable.' })
  async upstream(): Promise<unknown> {
    const res = await this.upstreams!.get('product').request({ method: 'GET', path: '/ping' });
    return res.data;
  }

  // a body to parse before the handler runs: the request's context must survive it
  @Post('upstream')
  @ApiCreatedResponse({ description: 'What the upstream answered.', schema: {} })
  @ApiServiceUnavailableResponse({ description: 'The upstream is unavailable.' })
  async upstreamWithBody(@Body() body: EchoDto): Promise<unknown> {
    const res = await this.upstreams!.get('product').request({
      method: 'POST',
      path: '/ping',
      body,
    });
    return res.data;
  }

  @Post('echo')
  @ApiCreatedResponse({ type: EchoDto })
  echo(@Body() body: EchoDto): EchoDto {
    this.logger.log('echo handled');
    return body;
  }

  @Get('items/:id')
  @ApiOkResponse(object({ id: { type: 'string' } }))
  item(@UuidParam('id') id: string): { id: string } {
    return { id };
  }

  @Get('admin')
  @Auth('admin')
  @ApiOkResponse(object({ id: { type: 'string' }, role: { type: 'string' } }))
  admin(@CurrentUser() user: AuthenticatedUser): { id: string; role: string } {
    return { id: user.id, role: user.role };
  }

  @Get('internal')
  @ServiceAuth('order')
  @ApiOkResponse(object({ ok: { type: 'boolean' } }))
  internal(): { ok: boolean } {
    return { ok: true };
  }

  // the guard without a caller list: it admits no key at all (never every key)
  @Get('unlisted')
  @UseGuards(ServiceKeyGuard)
  @ApiOkResponse(object({ ok: { type: 'boolean' } }))
  @ApiResponse({ status: 401, description: 'No or a wrong service key.' })
  @ApiResponse({ status: 403, description: 'Any valid key: no caller is named.' })
  unlisted(): { ok: boolean } {
    return { ok: true };
  }

  @Get('slow')
  @ApiOkResponse(object({ done: { type: 'boolean' } }))
  async slow(): Promise<{ done: boolean }> {
    await sleep(400);
    return { done: true };
  }

  @Get('boom')
  @ApiInternalServerErrorResponse({ description: 'Always: an unexpected error, answered as 500.' })
  boom(): never {
    throw new Error('SELECT secret FROM users -- must not leak');
  }
}

/** A class-wide caller list, narrowed on one handler. */
@Controller('fixture/scoped')
@ServiceAuth('order', 'payment')
class ScopedFixtureController {
  @Get('both')
  @ApiOkResponse(object({ ok: { type: 'boolean' } }))
  both(): { ok: boolean } {
    return { ok: true };
  }

  @Get('payment-only')
  @ServiceAuth('payment')
  @ApiOkResponse(object({ ok: { type: 'boolean' } }))
  paymentOnly(): { ok: boolean } {
    return { ok: true };
  }
}

@Module({})
export class FixtureModule {
  static forRoot(env: Record<string, string | undefined>): DynamicModule {
    return {
      module: FixtureModule,
      imports: [
        PlatformModule.forRoot({
          service: 'fixture',
          env,
          // with a DATABASE_URL it behaves as a service owning a database, else as one without
          database: env.DATABASE_URL ? { entities: [], migrations: [] } : undefined,
          upstreams: env.PRODUCT_SERVICE_URL ? ['product'] : undefined,
          healthOfUpstreams: env.PRODUCT_SERVICE_URL ? ['product'] : undefined,
        }),
      ],
      controllers: [FixtureController, ScopedFixtureController],
    };
  }
}
