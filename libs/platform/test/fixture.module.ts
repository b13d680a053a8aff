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

class EchoDto {
  @IsString()
  @MaxLength(10)
  name!: string;

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
  async upstream(): Promise<unknown> {
    const res = await this.upstreams!.get('product').request({ method: 'GET', path: '/ping' });
    return res.data;
  }

  @Post('echo')
  echo(@Body() body: EchoDto): EchoDto {
    this.logger.log('echo handled');
    return body;
  }

  @Get('items/:id')
  item(@UuidParam('id') id: string): { id: string } {
    return { id };
  }

  @Get('admin')
  @Auth('admin')
  admin(@CurrentUser() user: AuthenticatedUser): { id: string; role: string } {
    return { id: user.id, role: user.role };
  }

  @Get('internal')
  @ServiceAuth('order')
  internal(): { ok: boolean } {
    return { ok: true };
  }

  // the guard without a caller list: it admits no key at all (never every key)
  @Get('unlisted')
  @UseGuards(ServiceKeyGuard)
  unlisted(): { ok: boolean } {
    return { ok: true };
  }

  @Get('slow')
  async slow(): Promise<{ done: boolean }> {
    await new Promise((resolve) => setTimeout(resolve, 400));
    return { done: true };
  }

  @Get('boom')
  boom(): never {
    throw new Error('SELECT secret FROM users -- must not leak');
  }
}

/** A class-wide caller list, narrowed on one handler. */
@Controller('fixture/scoped')
@ServiceAuth('order', 'payment')
class ScopedFixtureController {
  @Get('both')
  both(): { ok: boolean } {
    return { ok: true };
  }

  @Get('payment-only')
  @ServiceAuth('payment')
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
