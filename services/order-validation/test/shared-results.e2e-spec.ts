import { randomUUID } from 'node:crypto';
import type { NestFastifyApplication } from '@nestjs/platform-fastify';
import fc from 'fast-check';
import { Redis } from 'ioredis';
import request from 'supertest';
import { baseUrlOf, freePort, startTestService, testEnv } from '@app/testing';
import { AUDIENCE, ISSUER } from '../../user/test/user-test-app';
import { ValidationResult } from '../src/domain/entities/validation-result';
import { VALIDATION_ISSUE_CODES } from '../src/domain/entities/validation-issue';
import { ValidationResultRepository } from '../src/domain/repositories/validation-result.repository';
import { OrderValidationModule } from '../src/order-validation.module';
import {
  CALLER_KEY,
  Customer,
  RESULT,
  VALIDATE,
  VALIDATION_KEY,
  ValidationTestApp,
  bearer,
  serviceKey,
  startValidationTestApp,
} from './validation-test-app';

const REDIS_URL = process.env.REDIS_URL ?? 'redis://127.0.0.1:6379';
const TTL_SECONDS = 900;

/**
 * Replicas of order-validation (two apps in this process, against the real user, product and
 * order services): with one REDIS_URL and prefix, a result made by one is what the other
 * answers GET /validations/{order_id} with; without it, each knows only its own.
 */
describe('order-validation results shared by replicas (real Redis, real upstreams)', () => {
  let t: ValidationTestApp;
  let a: NestFastifyApplication;
  let b: NestFastifyApplication;
  let prefix: string;
  let alice: Customer;
  let bob: Customer;
  let lamp: string;
  const extraApps: NestFastifyApplication[] = [];

  async function replica(extra: Record<string, string>): Promise<NestFastifyApplication> {
    const app = await startTestService(
      OrderValidationModule.forRoot(
        testEnv({
          issuer: { jwksUrl: t.users.jwksUrl, issuer: ISSUER, audience: AUDIENCE },
          serviceKeys: { payment: CALLER_KEY },
          extra: {
            RATE_LIMIT_PER_MINUTE: '100000',
            SERVICE_API_KEY: VALIDATION_KEY,
            ORDER_SERVICE_URL: await baseUrlOf(t.order.app),
            USER_SERVICE_URL: t.users.baseUrl,
            PRODUCT_SERVICE_URL: await baseUrlOf(t.product.app),
            UPSTREAM_RETRIES: '1',
            VALIDATION_CACHE_TTL_SECONDS: String(TTL_SECONDS),
            ...extra,
          },
        }),
      ),
    );
    extraApps.push(app);
    return app;
  }

  beforeAll(async () => {
    t = await startValidationTestApp();
    prefix = `test:${randomUUID()}:`;
    a = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    b = await replica({ REDIS_URL, REDIS_KEY_PREFIX: prefix });
    alice = await t.customer();
    bob = await t.customer();
    lamp = await t.createProduct(12.5);
  });
  afterAll(async () => {
    for (const app of extraApps) await app.close();
    await t?.close();
  });

  const http = (app: NestFastifyApplication) => request(app.getHttpServer());
  const validateOn = (app: NestFastifyApplication, orderId: string, auth: Record<string, string>) =>
    http(app).post(VALIDATE).set(auth).send({ order_id: orderId });

  it('a result made by A is answered by B, to the owner, an admin and a service', async () => {
    const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 2 }]);
    const made = (await validateOn(a, id, bearer(alice.token)).expect(200)).body;
    expect(made).toMatchObject({ order_id: id, valid: true, errors: [] });
    for (const auth of [bearer(alice.token), bearer(t.adminToken), serviceKey()]) {
      const res = await http(b).get(RESULT(id)).set(auth).expect(200);
      expect(res.body).toEqual(made);
    }
    // the owner came along: another customer is told there is none, on B as on A
    for (const app of [a, b]) await http(app).get(RESULT(id)).set(bearer(bob.token)).expect(404);
    // the id in any case
    await http(b).get(RESULT(id.toUpperCase())).set(serviceKey()).expect(200);
  });

  it('the latest validation wins, whichever replica made it', async () => {
    const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 1 }]);
    await validateOn(a, id, serviceKey()).expect(200);
    await t.moveOrder(id, 'cancelada');
    const latest = (await validateOn(b, id, serviceKey()).expect(200)).body;
    expect(latest.valid).toBe(false);
    expect(latest.errors.map((e: { code: string }) => e.code)).toEqual(['order_not_creada']);
    for (const app of [a, b]) {
      expect((await http(app).get(RESULT(id)).set(serviceKey()).expect(200)).body).toEqual(latest);
    }
  });

  it('kept in Redis under the prefix for VALIDATION_CACHE_TTL_SECONDS', async () => {
    const { id } = await t.placeOrder(bob, [{ product_id: lamp, quantity: 3 }]);
    await validateOn(a, id, bearer(bob.token)).expect(200);
    const redis = new Redis(REDIS_URL);
    try {
      const ttl = await redis.ttl(`${prefix}order-validation:result:${id}`);
      expect(ttl).toBeGreaterThan(TTL_SECONDS - 30);
      expect(ttl).toBeLessThanOrEqual(TTL_SECONDS);
    } finally {
      redis.disconnect();
    }
  });

  it('any result saved by A round-trips through B: issues, owner, validated_at', async () => {
    const saveOnA = a.get(ValidationResultRepository);
    const findOnB = b.get(ValidationResultRepository);
    const issue = fc.record(
      {
        code: fc.constantFrom(...VALIDATION_ISSUE_CODES),
        message: fc.string({ maxLength: 80 }),
        productId: fc.uuid(),
      },
      { requiredKeys: ['code', 'message'] },
    );
    const result = fc.record({
      orderId: fc.uuid(),
      // upper case too: ids are stored and found in lower case
      upper: fc.boolean(),
      ownerId: fc.option(fc.uuid(), { nil: null }),
      issues: fc.array(issue, { maxLength: 6 }),
      validatedAt: fc.date({
        min: new Date('2020-01-01T00:00:00.000Z'),
        max: new Date('2035-01-01T00:00:00.000Z'),
        noInvalidDate: true,
      }),
    });
    await fc.assert(
      fc.asyncProperty(result, async (r) => {
        const id = r.upper ? r.orderId.toUpperCase() : r.orderId;
        const saved = ValidationResult.of(id, r.ownerId, r.issues, r.validatedAt);
        await saveOnA.save(saved);

        const found = await findOnB.findByOrderId(r.orderId.toLowerCase());
        expect(found).not.toBeNull();
        expect(found!.orderId).toBe(saved.orderId);
        expect(found!.ownerId).toBe(saved.ownerId);
        expect(found!.issues).toEqual(saved.issues);
        expect(found!.validatedAt.toISOString()).toBe(r.validatedAt.toISOString());
        if (saved.ownerId) expect(found!.isOwnedBy(saved.ownerId.toUpperCase())).toBe(true);

        const res = await http(b).get(RESULT(id)).set(serviceKey()).expect(200);
        expect(res.body).toEqual({
          order_id: r.orderId.toLowerCase(),
          valid: r.issues.length === 0,
          errors: r.issues.map((i) => ({
            code: i.code,
            message: i.message,
            ...(i.productId ? { product_id: i.productId } : {}),
          })),
          validated_at: r.validatedAt.toISOString(),
        });
      }),
      { numRuns: 60, seed: 3003 },
    );
  });

  it('without REDIS_URL: a result made by one replica is unknown to another', async () => {
    const lone = [await replica({}), await replica({})];
    const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 1 }]);
    await validateOn(lone[0], id, serviceKey()).expect(200);
    await http(lone[0]).get(RESULT(id)).set(serviceKey()).expect(200);
    await http(lone[1]).get(RESULT(id)).set(serviceKey()).expect(404);
  });

  it('with Redis unreachable: a replica still answers with what it made itself', async () => {
    const away = await replica({
      REDIS_URL: `redis://127.0.0.1:${await freePort()}`,
      REDIS_KEY_PREFIX: prefix,
    });
    const { id } = await t.placeOrder(alice, [{ product_id: lamp, quantity: 1 }]);
    const started = Date.now();
    const made = (await validateOn(away, id, bearer(alice.token)).expect(200)).body;
    expect((await http(away).get(RESULT(id)).set(bearer(alice.token)).expect(200)).body).toEqual(
      made,
    );
    expect(Date.now() - started).toBeLessThan(3_000);
  });
});
