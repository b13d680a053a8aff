import { randomUUID } from 'node:crypto';
import fc from 'fast-check';
import { Money, UnitOfWork } from '@app/kernel';
import { eventually, lockWaiters } from '@app/testing';
import { ClsService } from 'nestjs-cls';
import { DataSource } from 'typeorm';
import { Order } from '../src/domain/entities/order';
import { OrderStatus, TRANSITIONS } from '../src/domain/entities/order-status';
import { OrderRepository } from '../src/domain/repositories/order.repository';
import { OrderTestApp, startOrderTestApp } from './order-test-app';

function view(order: Order) {
  return {
    id: order.id,
    userId: order.userId,
    status: order.status,
    total: order.total.cents,
    address: order.shippingAddress,
    createdAt: order.createdAt.getTime(),
    updatedAt: order.updatedAt.getTime(),
    lines: order.lines.map((line) => ({ ...line, unitPrice: line.unitPrice.cents })),
  };
}

const line = fc.record({
  productId: fc.uuid(),
  name: fc.string({ minLength: 1, maxLength: 60 }).filter((n) => n.trim().length > 0),
  unitPrice: fc.integer({ min: 1, max: 999_999 }).map((cents) => Money.ofCents(cents)),
  quantity: fc.integer({ min: 1, max: 50 }),
});
const placed = fc.record({
  lines: fc.uniqueArray(line, { minLength: 1, maxLength: 8, selector: (l) => l.productId }),
  shippingAddress: fc.option(
    fc.record({
      street: fc.string({ minLength: 1, maxLength: 40 }),
      city: fc.string({ minLength: 1, maxLength: 30 }),
      postalCode: fc.stringMatching(/^[0-9]{5}$/),
      country: fc.constantFrom('ES', 'PT'),
    }),
    { nil: null },
  ),
  // each step picks one of the statuses the order may move to next, if any
  moves: fc.array(fc.nat(), { maxLength: 5 }),
});

describe('TypeormOrderRepository (real PostgreSQL): an order and its history read back as written', () => {
  let t: OrderTestApp;
  let orders: OrderRepository;
  let uow: UnitOfWork;

  beforeAll(async () => {
    t = await startOrderTestApp();
    orders = t.app.get(OrderRepository);
    uow = t.app.get(UnitOfWork);
  });
  afterAll(() => t?.close());

  it('places any order, moves it through the transition table, and reads back the same order with its events numbered 1..n', async () => {
    await fc.assert(
      fc.asyncProperty(placed, async ({ lines, shippingAddress, moves }) => {
        let clock = Date.UTC(2026, 5, 1);
        const order = Order.place(
          { id: randomUUID(), userId: randomUUID(), lines, shippingAddress },
          new Date(clock),
        );
        await uow.run(() => orders.insert(order));
        const types = ['created'];
        for (const pick of moves) {
          const next: readonly OrderStatus[] = TRANSITIONS[order.status];
          if (next.length === 0) break;
          const target = next[pick % next.length];
          clock += 1000;
          const refs = { paymentId: randomUUID(), deliveryId: randomUUID() };
          await uow.run(async () => {
            const locked = await orders.findByIdForUpdate(order.id);
            expect(view(locked!)).toEqual(view(order));
            locked!.transitionTo(target, `to ${target}`, refs, new Date(clock));
            order.transitionTo(target, `to ${target}`, refs, new Date(clock));
            await orders.saveChanges(locked!);
          });
          types.push(order.newEvents.at(-1)!.type);
        }
        expect(view((await orders.findById(order.id))!)).toEqual(view(order));
        const history = await orders.eventsOf(order.id);
        expect(history.map((e) => e.type)).toEqual(types);
        expect(history.at(-1)?.status).toBe(order.status);
        // the locked read with its history gives the same order and the same events
        const withHistory = await uow.run(() => orders.findByIdForUpdateWithHistory(order.id));
        expect(view(withHistory!.order)).toEqual(view(order));
        expect(withHistory!.history).toEqual(history);
      }),
      { numRuns: 30 },
    );
  });

  it('a locked read with history that waited for another unit of work reads the events that one appended', async () => {
    const order = Order.place({
      id: randomUUID(),
      userId: randomUUID(),
      lines: [
        { productId: randomUUID(), name: 'thing', unitPrice: Money.ofCents(500), quantity: 1 },
      ],
      shippingAddress: null,
    });
    await uow.run(() => orders.insert(order));
    // each unit of work in a context of its own, as two requests would be
    const cls = t.app.get(ClsService);
    let holderSaved!: () => void;
    const saved = new Promise<void>((resolve) => (holderSaved = resolve));
    let releaseHolder!: () => void;
    const holderMayCommit = new Promise<void>((resolve) => (releaseHolder = resolve));
    const holder = cls.run(() =>
      uow.run(async () => {
        const locked = (await orders.findByIdForUpdate(order.id))!;
        locked.transitionTo('pagada', 'paid', { paymentId: randomUUID() });
        await orders.saveChanges(locked);
        holderSaved();
        await holderMayCommit; // the lock is held until the waiter below is queued on it
      }),
    );
    await saved;
    const waiter = cls.run(() =>
      uow.run(async () => (await orders.findByIdForUpdateWithHistory(order.id))!),
    );
    const dataSource = t.app.get(DataSource);
    await eventually(
      'the waiter queued on the lock',
      () => lockWaiters(dataSource),
      (n) => n > 0,
    );
    releaseHolder();
    await holder;
    const seen = await waiter;
    expect(seen.order.status).toBe('pagada');
    expect(seen.history.map((e) => e.type)).toEqual(
      (await orders.eventsOf(order.id)).map((e) => e.type),
    );
    expect(seen.history).toHaveLength(2);
  });
});
