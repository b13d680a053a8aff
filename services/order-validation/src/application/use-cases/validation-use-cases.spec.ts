import { VALIDATION_CODE_VALUES } from '@app/contracts';
import { Money } from '@app/kernel';
import { OrderToValidate } from '../../domain/entities/order-to-validate';
import { VALIDATION_ISSUE_CODES } from '../../domain/entities/validation-issue';
import { ValidationResult } from '../../domain/entities/validation-result';
import { OrderNotFound, ValidationNotFound } from '../../domain/errors/validation.errors';
import { ValidationResultRepository } from '../../domain/repositories/validation-result.repository';
import { Requester } from '../dtos/requester';
import { OrderSource } from '../ports/order-source.port';
import { ProductCatalog } from '../ports/product-catalog.port';
import { UserDirectory } from '../ports/user-directory.port';
import { ValidationOutbox } from '../ports/validation-outbox.port';
import { GetValidationResultUseCase } from './get-validation-result.use-case';
import { ValidateOrderUseCase } from './validate-order.use-case';

const ALICE = '11111111-1111-4111-8111-111111111111';
const BOB = '22222222-2222-4222-8222-222222222222';
const LAMP = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const UNKNOWN = '0f0f0f0f-0f0f-4f0f-8f0f-0f0f0f0f0f0f';

/** Stands for an upstream that cannot answer (the platform's 503 error in the real adapters). */
class Unavailable extends Error {}

class FakeOrders extends OrderSource {
  readonly orders = new Map<string, OrderToValidate>();
  down = false;
  async findOrder(id: string) {
    if (this.down) throw new Unavailable('order');
    return this.orders.get(id) ?? null;
  }
}

class FakeUsers extends UserDirectory {
  readonly ids = new Set<string>();
  down = false;
  async exists(id: string) {
    if (this.down) throw new Unavailable('user');
    return this.ids.has(id);
  }
}

class FakeCatalog extends ProductCatalog {
  readonly prices = new Map<string, Money>();
  down = false;
  async currentPrices(ids: string[]) {
    if (this.down) throw new Unavailable('product');
    return new Map(ids.filter((id) => this.prices.has(id)).map((id) => [id, this.prices.get(id)!]));
  }
}

class FakeResults extends ValidationResultRepository {
  readonly saved = new Map<string, ValidationResult>();
  async save(result: ValidationResult) {
    this.saved.set(result.orderId, result);
  }
  async findByOrderId(id: string) {
    return this.saved.get(id) ?? null;
  }
}

/** Stands for a backlog too long to take one more event (the platform's 503 in the adapter). */
class BacklogFull extends Error {}

class FakeOutbox extends ValidationOutbox {
  readonly published: ValidationResult[] = [];
  full = false;
  async validated(result: ValidationResult) {
    if (this.full) throw new BacklogFull('events');
    this.published.push(result);
  }
}

const alice: Requester = { kind: 'user', userId: ALICE, isAdmin: false };
const bob: Requester = { kind: 'user', userId: BOB, isAdmin: false };
const admin: Requester = { kind: 'user', userId: BOB, isAdmin: true };
const payment: Requester = { kind: 'service', caller: 'payment' };

describe('validation use cases (in-memory fakes of the ports)', () => {
  let orders: FakeOrders;
  let users: FakeUsers;
  let catalog: FakeCatalog;
  let results: FakeResults;
  let outbox: FakeOutbox;
  let validate: ValidateOrderUseCase;
  let getResult: GetValidationResultUseCase;

  const order = (patch: Partial<OrderToValidate> = {}): OrderToValidate => {
    const o: OrderToValidate = {
      id: ORDER,
      userId: ALICE,
      status: 'open',
      awaitingPayment: true,
      lines: [{ productId: LAMP, quantity: 3, unitPrice: Money.fromDecimal(19.99) }],
      total: Money.fromDecimal(59.97),
      ...patch,
    };
    orders.orders.set(o.id, o);
    return o;
  };

  beforeEach(() => {
    orders = new FakeOrders();
    users = new FakeUsers();
    catalog = new FakeCatalog();
    results = new FakeResults();
    outbox = new FakeOutbox();
    users.ids.add(ALICE);
    catalog.prices.set(LAMP, Money.fromDecimal(19.99));
    validate = new ValidateOrderUseCase(orders, users, catalog, results, outbox);
    getResult = new GetValidationResultUseCase(results);
  });

  it('a consistent order is valid, and the result is kept and published', async () => {
    order();
    const result = await validate.execute(ORDER, alice);
    expect(result).toMatchObject({ orderId: ORDER, ownerId: ALICE, valid: true, issues: [] });
    expect(await getResult.execute(ORDER, alice)).toBe(result);
    expect(outbox.published).toEqual([result]);
  });

  it('an invalid result is published too, once per validation', async () => {
    order({ total: Money.fromDecimal(59.98) });
    const first = await validate.execute(ORDER, admin);
    const second = await validate.execute(ORDER, admin);
    expect(outbox.published).toEqual([first, second]);
    expect(first.valid).toBe(false);
  });

  it('a backlog that refuses the event fails the validation: nothing kept, the last result stays', async () => {
    order();
    const earlier = await validate.execute(ORDER, payment);
    order({ total: Money.fromDecimal(59.98) });
    outbox.full = true;
    await expect(validate.execute(ORDER, payment)).rejects.toBeInstanceOf(BacklogFull);
    expect(await getResult.execute(ORDER, payment)).toBe(earlier);
    expect(outbox.published).toEqual([earlier]);
  });

  it('total_mismatch: a total that is not the sum of the lines', async () => {
    order({ total: Money.fromDecimal(59.98) });
    const result = await validate.execute(ORDER, payment);
    expect(result.valid).toBe(false);
    expect(result.issues.map((i) => i.code)).toEqual(['total_mismatch']);
  });

  it('invalid_quantity: a line with zero units, named by product', async () => {
    order({
      lines: [{ productId: LAMP, quantity: 0, unitPrice: Money.fromDecimal(19.99) }],
      total: Money.zero(),
    });
    const result = await validate.execute(ORDER, admin);
    expect(result.issues).toEqual([
      { code: 'invalid_quantity', productId: LAMP, message: expect.any(String) },
    ]);
  });

  it('an unknown order: a valid:false result for admins and services, kept', async () => {
    for (const requester of [admin, payment]) {
      const result = await validate.execute(UNKNOWN, requester);
      expect(result).toMatchObject({ valid: false, ownerId: null });
      expect(result.issues.map((i) => i.code)).toEqual(['order_not_found']);
      expect(await getResult.execute(UNKNOWN, requester)).toBe(result);
    }
    // no order to record it in: not published
    expect(outbox.published).toEqual([]);
  });

  it('a customer: 404 for an unknown order or another customer’s, nothing kept', async () => {
    order();
    await expect(validate.execute(UNKNOWN, alice)).rejects.toBeInstanceOf(OrderNotFound);
    await expect(validate.execute(ORDER, bob)).rejects.toBeInstanceOf(OrderNotFound);
    expect(results.saved.size).toBe(0);
    expect(outbox.published).toEqual([]);
  });

  it('reading a result: the owner, admins and services; another customer gets 404', async () => {
    order();
    await validate.execute(ORDER, payment);
    for (const requester of [alice, admin, payment]) {
      await expect(getResult.execute(ORDER, requester)).resolves.toMatchObject({ valid: true });
    }
    await expect(getResult.execute(ORDER, bob)).rejects.toBeInstanceOf(ValidationNotFound);
    // an unknown order's result has no owner: no customer sees it
    await validate.execute(UNKNOWN, payment);
    await expect(getResult.execute(UNKNOWN, alice)).rejects.toBeInstanceOf(ValidationNotFound);
  });

  it('no result yet: 404', async () => {
    await expect(getResult.execute(ORDER, admin)).rejects.toBeInstanceOf(ValidationNotFound);
  });

  it('ids are compared case-insensitively', async () => {
    order();
    const upper: Requester = { kind: 'user', userId: ALICE.toUpperCase(), isAdmin: false };
    await validate.execute(ORDER.toUpperCase(), upper);
    await expect(getResult.execute(ORDER.toUpperCase(), upper)).resolves.toMatchObject({
      orderId: ORDER,
    });
  });

  it.each(['orders', 'users', 'catalog'] as const)(
    'an upstream that cannot answer (%s) fails the validation: never valid:false, nothing kept or published, the last result stays',
    async (which) => {
      order();
      const earlier = await validate.execute(ORDER, payment);
      order({ status: 'cancelled', awaitingPayment: false });
      ({ orders, users, catalog })[which].down = true;
      await expect(validate.execute(ORDER, payment)).rejects.toBeInstanceOf(Unavailable);
      expect(await getResult.execute(ORDER, payment)).toBe(earlier);
      expect(outbox.published).toEqual([earlier]);
    },
  );

  it('the domain codes are exactly the wire VALIDATION_CODES', () => {
    expect([...VALIDATION_ISSUE_CODES].sort()).toEqual([...VALIDATION_CODE_VALUES].sort());
  });
});
