import { Get } from '@nestjs/common';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import request from 'supertest';
import { startTestService, testEnv } from '@app/testing';
import {
  ConfigError,
  PlatformConfig,
  SERVICE_CALLERS_EXTENSION,
  SERVICE_CALLERS_LINE,
  ServiceAuth,
  ServiceKeyVerifier,
  ServiceName,
} from '../src';
import { FixtureModule } from './fixture.module';

const KEYS = {
  order: 'order-key-service-auth-0001',
  payment: 'payment-key-service-auth-0001',
  cart: 'cart-key-service-auth-0001',
} as const;

describe('@ServiceAuth(...callers): each route names the services it accepts', () => {
  let app: NestFastifyApplication;
  const get = (path: string, key?: keyof typeof KEYS) => {
    const req = request(app.getHttpServer()).get(`/api/v1/fixture/${path}`);
    return key ? req.set('x-service-key', KEYS[key]) : req;
  };
  const expectProblem = (res: request.Response, status: number) => {
    expect(res.status).toBe(status);
    expect(res.headers['content-type']).toContain('application/problem+json');
    expect(res.body).toMatchObject({ status });
  };

  beforeAll(async () => {
    app = await startTestService(FixtureModule.forRoot(testEnv({ serviceKeys: KEYS })));
  });
  afterAll(async () => {
    await app?.close();
  });

  it('a named caller passes; another configured service is 403; no key is 401', async () => {
    expect((await get('internal', 'order')).status).toBe(200);
    expectProblem(await get('internal', 'payment'), 403);
    expectProblem(await get('internal', 'cart'), 403);
    expectProblem(await get('internal'), 401);
  });

  it('a class-wide list covers every handler; a handler’s own list narrows it', async () => {
    expect((await get('scoped/both', 'order')).status).toBe(200);
    expect((await get('scoped/both', 'payment')).status).toBe(200);
    expectProblem(await get('scoped/both', 'cart'), 403);
    expect((await get('scoped/payment-only', 'payment')).status).toBe(200);
    expectProblem(await get('scoped/payment-only', 'order'), 403);
    expectProblem(await get('scoped/payment-only', 'cart'), 403);
  });

  it('the guard without any caller list admits no key', async () => {
    expectProblem(await get('unlisted', 'order'), 403);
    expectProblem(await get('unlisted'), 401);
  });

  it('documents the effective callers on each operation', async () => {
    const doc = (await request(app.getHttpServer()).get('/docs-json').expect(200)).body;
    const operation = (path: string) => doc.paths[`/api/v1/fixture/${path}`].get;
    for (const [path, callers] of [
      ['internal', ['order']],
      ['scoped/both', ['order', 'payment']],
      ['scoped/payment-only', ['payment']],
    ] as const) {
      expect(operation(path)[SERVICE_CALLERS_EXTENSION]).toEqual(callers);
      expect(operation(path).description).toContain(
        `${SERVICE_CALLERS_LINE} ${callers.join(', ')}.`,
      );
      expect(Object.keys(operation(path).responses)).toEqual(
        expect.arrayContaining(['401', '403']),
      );
    }
    // the narrowing handler repeats its class's requirement: listed once, not twice
    expect(operation('scoped/payment-only').security).toEqual([{ 'service-key': [] }]);
    expect(operation('scoped/payment-only').responses['403'].description).toContain(
      'other than payment.',
    );
  });

  it('refuses an empty or unknown caller list, and a handler list wider than its class’s, at definition', () => {
    // @ts-expect-error an empty caller list does not type-check
    expect(() => ServiceAuth()(class Empty {})).toThrow(/at least one calling service/);
    expect(() => ServiceAuth(...(['orders'] as unknown as [ServiceName]))(class Typo {})).toThrow(
      /unknown service name\(s\) orders/,
    );
    class Wider {
      handler(): void {}
    }
    const descriptor = Object.getOwnPropertyDescriptor(Wider.prototype, 'handler')!;
    Get('x')(Wider.prototype, 'handler', descriptor);
    ServiceAuth('cart')(Wider.prototype, 'handler', descriptor);
    expect(() => ServiceAuth('order')(Wider)).toThrow(/may only narrow .*cart is not among them/);
  });

  it('refuses at startup a SERVICE_API_KEYS entry that is no service, or a key given to two', () => {
    const verifier = (serviceApiKeys: Record<string, string>) =>
      new ServiceKeyVerifier({ serviceApiKeys } as unknown as PlatformConfig);
    expect(() => verifier({ orders: KEYS.order })).toThrow(ConfigError);
    expect(() => verifier({ orders: KEYS.order })).toThrow(/"orders" is not a service/);
    expect(() => verifier({ order: KEYS.order, cart: KEYS.order })).toThrow(
      /"cart" has the key of another service/,
    );
    expect(verifier(KEYS).callerFor(KEYS.cart)).toBe('cart');
  });
});
