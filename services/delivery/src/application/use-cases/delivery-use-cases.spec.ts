import { Logger } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Delivery } from '../../domain/entities/delivery';
import { DeliveryStatus } from '../../domain/entities/delivery-status';
import {
  DeliveryAlreadyLeft,
  IllegalDeliveryTransition,
} from '../../domain/errors/delivery.errors';
import {
  DeliveryListCriteria,
  DeliveryPage,
  DeliveryRepository,
  InsertOutcome,
} from '../../domain/repositories/delivery.repository';
import { OrderCancellations } from '../../domain/repositories/order-cancellations.repository';
import { PaidOrders } from '../../domain/repositories/paid-orders.repository';
import { DeliveryCanceller } from '../delivery-canceller';
import { DeliveryOpener } from '../delivery-opener';
import { DeliverySettings } from '../delivery-settings';
import { OrderNotFound } from '../errors/delivery-request.errors';
import { OrderDirectory, OrderSnapshot } from '../ports/order-directory.port';
import { DeliveryOutbox } from '../ports/delivery-outbox.port';
import { CancelDeliveryForOrderUseCase } from './cancel-delivery-for-order.use-case';
import { ChangeDeliveryStatusUseCase } from './change-delivery-status.use-case';
import { OpenDeliveryForPaidOrderUseCase } from './open-delivery-for-paid-order.use-case';
import { RequestDeliveryUseCase } from './request-delivery.use-case';
import { STOP_CAUSE, StopDeliveryForOrderUseCase } from './stop-delivery-for-order.use-case';

// In-memory fakes of the ports: the use cases' decisions, without Nest or a database.

// The cancel use case warns about parcels already on their way; not worth printing here.
beforeAll(() => jest.spyOn(Logger.prototype, 'warn').mockImplementation(() => undefined));
afterAll(() => jest.restoreAllMocks());

class ImmediateUnitOfWork extends UnitOfWork {
  run<T>(work: () => Promise<T>): Promise<T> {
    return work();
  }
}

class MemoryDeliveries extends DeliveryRepository {
  readonly rows = new Map<string, Delivery>();
  readonly locked: string[] = [];
  /** tracking numbers to report as taken, to exercise the retry */
  takenTrackingNumbers = 0;

  async lockOrder(orderId: string): Promise<void> {
    this.locked.push(orderId);
  }
  async insertIfAbsent(delivery: Delivery): Promise<InsertOutcome> {
    if ([...this.rows.values()].some((d) => d.orderId === delivery.orderId))
      return 'order_has_delivery';
    if (this.takenTrackingNumbers > 0) {
      this.takenTrackingNumbers -= 1;
      return 'tracking_number_taken';
    }
    this.rows.set(delivery.id, Delivery.restore(snapshot(delivery)));
    return 'inserted';
  }
  /** a status another writer put there first, as the conditional UPDATE would meet it */
  movedMeanwhile?: DeliveryStatus;
  async saveMove(delivery: Delivery, from: DeliveryStatus): Promise<boolean> {
    const current = this.rows.get(delivery.id);
    if (this.movedMeanwhile && current) {
      this.rows.set(
        delivery.id,
        Delivery.restore({ ...snapshot(current), status: this.movedMeanwhile }),
      );
      this.movedMeanwhile = undefined;
      return false;
    }
    if (current?.status !== from) return false;
    this.rows.set(delivery.id, Delivery.restore(snapshot(delivery)));
    return true;
  }
  async findById(id: string): Promise<Delivery | null> {
    const row = this.rows.get(id);
    return row ? Delivery.restore(snapshot(row)) : null;
  }
  findByIdForUpdate(id: string): Promise<Delivery | null> {
    return this.findById(id);
  }
  async findByOrderId(orderId: string): Promise<Delivery | null> {
    const row = [...this.rows.values()].find((d) => d.orderId === orderId);
    return row ? Delivery.restore(snapshot(row)) : null;
  }
  findByOrderIdForUpdate(orderId: string): Promise<Delivery | null> {
    return this.findByOrderId(orderId);
  }
  async findByTrackingNumber(trackingNumber: string): Promise<Delivery | null> {
    return [...this.rows.values()].find((d) => d.trackingNumber === trackingNumber) ?? null;
  }
  async list(_criteria: DeliveryListCriteria): Promise<DeliveryPage> {
    return { items: [...this.rows.values()], total: this.rows.size };
  }
}

function snapshot(delivery: Delivery) {
  return {
    id: delivery.id,
    orderId: delivery.orderId,
    userId: delivery.userId,
    address: delivery.address,
    carrier: delivery.carrier,
    trackingNumber: delivery.trackingNumber,
    status: delivery.status,
    estimatedDelivery: delivery.estimatedDelivery,
    createdAt: delivery.createdAt,
    updatedAt: delivery.updatedAt,
  };
}

class MemoryCancellations extends OrderCancellations {
  readonly orders = new Map<string, string>();
  async record(orderId: string, cause: string): Promise<void> {
    if (!this.orders.has(orderId)) this.orders.set(orderId, cause);
  }
  async isCancelled(orderId: string): Promise<boolean> {
    return this.orders.has(orderId);
  }
}

class MemoryPaidOrders extends PaidOrders {
  readonly orders = new Set<string>();
  async record(orderId: string): Promise<void> {
    this.orders.add(orderId);
  }
  async isPaid(orderId: string): Promise<boolean> {
    return this.orders.has(orderId);
  }
}

/** What was published, as `<fact>:<delivery status>` */
class MemoryOutbox extends DeliveryOutbox {
  readonly facts: string[] = [];
  async opened(delivery: Delivery): Promise<void> {
    this.facts.push(`created:${delivery.status}`);
  }
  async moved(delivery: Delivery): Promise<void> {
    this.facts.push(`moved:${delivery.status}`);
  }
  async cancelled(delivery: Delivery, cause: string): Promise<void> {
    this.facts.push(`cancelled:${delivery.status}:${cause}`);
  }
}

class FixedOrders extends OrderDirectory {
  readonly orders = new Map<string, OrderSnapshot>();
  async findForUser(orderId: string): Promise<OrderSnapshot | null> {
    return this.orders.get(orderId) ?? null;
  }
}

const settings: DeliverySettings = { carrier: 'NestPost', estimateDays: 3 };
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const ALICE = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';
const BOB = '6c2d3e8f-9e5b-4d4c-8f3a-2b1c4d5e6f70';
const ADDRESS = { street: 'Calle Mayor 1', city: 'Madrid', postalCode: '28013', country: 'ES' };

function setup() {
  const uow = new ImmediateUnitOfWork();
  const deliveries = new MemoryDeliveries();
  const cancellations = new MemoryCancellations();
  const paid = new MemoryPaidOrders();
  const outbox = new MemoryOutbox();
  const orders = new FixedOrders();
  const opener = new DeliveryOpener(deliveries, cancellations, settings, outbox);
  const canceller = new DeliveryCanceller(deliveries, outbox);
  return {
    deliveries,
    cancellations,
    paid,
    outbox,
    orders,
    create: new OpenDeliveryForPaidOrderUseCase(uow, opener, paid),
    cancel: new CancelDeliveryForOrderUseCase(uow, deliveries, cancellations, canceller),
    stop: new StopDeliveryForOrderUseCase(uow, deliveries, cancellations, canceller),
    request: new RequestDeliveryUseCase(uow, orders, opener, paid),
    change: new ChangeDeliveryStatusUseCase(uow, deliveries, outbox),
  };
}

describe('open for a paid order (order.paid)', () => {
  it('opens once per order, with delivery.created; a repeated fact finds it', async () => {
    const t = setup();
    const fact = { orderId: ORDER, userId: ALICE, address: ADDRESS };
    const first = await t.create.execute(fact);
    expect(first.outcome).toBe('created');
    expect(first.delivery).toMatchObject({ status: 'pendiente', carrier: 'NestPost' });
    const other = await t.create.execute(fact);
    expect(other).toMatchObject({ outcome: 'existing', delivery: { id: first.delivery?.id } });
    expect(t.deliveries.rows.size).toBe(1);
    expect(t.outbox.facts).toEqual(['created:pendiente']);
    expect(t.paid.orders.has(ORDER)).toBe(true);
    expect(t.deliveries.locked.every((id) => id === ORDER)).toBe(true);
  });

  it('no address: nothing opens, but the order is known paid (its owner may ask later)', async () => {
    const t = setup();
    expect(await t.create.execute({ orderId: ORDER, userId: ALICE, address: null })).toEqual({
      outcome: 'no_address',
      delivery: null,
    });
    expect(t.deliveries.rows.size).toBe(0);
    expect(t.paid.orders.has(ORDER)).toBe(true);
  });

  it('draws another tracking number when one is taken', async () => {
    const t = setup();
    t.deliveries.takenTrackingNumbers = 2;
    const result = await t.create.execute({
      orderId: ORDER,
      userId: ALICE,
      address: ADDRESS,
    });
    expect(result.outcome).toBe('created');
    expect(t.deliveries.takenTrackingNumbers).toBe(0);
  });

  it('gives up (a bug, not a client error) when no tracking number is free', async () => {
    const t = setup();
    t.deliveries.takenTrackingNumbers = 10;
    await expect(
      t.create.execute({ orderId: ORDER, userId: ALICE, address: ADDRESS }),
    ).rejects.toThrow(/no free tracking number/);
  });

  it('opens nothing for an order already cancelled (the cancel overtook it)', async () => {
    const t = setup();
    await t.cancel.execute({ orderId: ORDER, cause: 'cancelled' });
    const result = await t.create.execute({
      orderId: ORDER,
      userId: ALICE,
      address: ADDRESS,
    });
    expect(result).toEqual({ outcome: 'order_cancelled', delivery: null });
    expect(t.deliveries.rows.size).toBe(0);
  });
});

describe('cancel for a cancelled order (order.cancelled)', () => {
  async function opened(t: ReturnType<typeof setup>): Promise<Delivery> {
    const result = await t.create.execute({
      orderId: ORDER,
      userId: ALICE,
      address: ADDRESS,
    });
    return result.delivery as Delivery;
  }

  it('cancels a pending delivery, once, with delivery.cancelled', async () => {
    const t = setup();
    await opened(t);
    const fact = { orderId: ORDER, cause: 'cancelled by the customer' };
    expect(await t.cancel.execute(fact)).toMatchObject({
      outcome: 'cancelled',
      delivery: { status: 'cancelada' },
    });
    expect((await t.cancel.execute(fact)).outcome).toBe('unchanged');
    expect(t.outbox.facts).toEqual([
      'created:pendiente',
      'cancelled:cancelada:order cancelled: cancelled by the customer',
    ]);
  });

  it('leaves a delivery in transit as it is', async () => {
    const t = setup();
    const delivery = await opened(t);
    await t.change.execute({ deliveryId: delivery.id, target: 'en_transito' });
    const result = await t.cancel.execute({ orderId: ORDER, cause: 'x' });
    expect(result).toMatchObject({ outcome: 'unchanged', delivery: { status: 'en_transito' } });
  });

  it('is a no-op without a delivery, but remembered', async () => {
    const t = setup();
    const result = await t.cancel.execute({ orderId: ORDER, cause: 'x' });
    expect(result).toEqual({ outcome: 'no_delivery', delivery: null });
    expect(t.cancellations.orders.get(ORDER)).toBe('x');
  });
});

describe("the order's stop before it cancels a paid order", () => {
  const open = (t: ReturnType<typeof setup>) =>
    t.create
      .execute({ orderId: ORDER, userId: ALICE, address: ADDRESS })
      .then((r) => r.delivery as Delivery);

  it('cancels a pending delivery with delivery.cancelled; asked again, already cancelled', async () => {
    const t = setup();
    await open(t);
    expect(await t.stop.execute(ORDER)).toMatchObject({
      outcome: 'cancelled',
      delivery: { status: 'cancelada' },
    });
    expect(await t.stop.execute(ORDER)).toMatchObject({ outcome: 'already_cancelled' });
    expect(t.outbox.facts).toEqual(['created:pendiente', `cancelled:cancelada:${STOP_CAUSE}`]);
    expect(t.cancellations.orders.has(ORDER)).toBe(true);
  });

  it('without a delivery, remembers the order so that order.paid opens none later', async () => {
    const t = setup();
    expect(await t.stop.execute(ORDER)).toEqual({ outcome: 'no_delivery', delivery: null });
    expect(await t.create.execute({ orderId: ORDER, userId: ALICE, address: ADDRESS })).toEqual({
      outcome: 'order_cancelled',
      delivery: null,
    });
    expect(t.deliveries.rows.size).toBe(0);
  });

  it.each(['en_transito', 'entregada'] as const)(
    'refuses when the delivery is %s (409), and remembers nothing',
    async (status) => {
      const t = setup();
      const delivery = await open(t);
      await t.change.execute({ deliveryId: delivery.id, target: 'en_transito' });
      if (status === 'entregada') {
        await t.change.execute({ deliveryId: delivery.id, target: 'entregada' });
      }
      const refused = t.stop.execute(ORDER);
      await expect(refused).rejects.toBeInstanceOf(DeliveryAlreadyLeft);
      await expect(refused).rejects.toMatchObject({
        kind: 'conflict',
        code: 'delivery_already_left',
        details: { order_id: ORDER, delivery_id: delivery.id, current_status: status },
      });
      expect(t.cancellations.orders.has(ORDER)).toBe(false);
      expect(t.outbox.facts.some((f) => f.startsWith('cancelled'))).toBe(false);
    },
  );

  it('an admin moving it en_transito after the stop gets 409 and publishes nothing', async () => {
    const t = setup();
    const delivery = await open(t);
    await t.stop.execute(ORDER);
    await expect(
      t.change.execute({ deliveryId: delivery.id, target: 'en_transito' }),
    ).rejects.toBeInstanceOf(IllegalDeliveryTransition);
    expect(t.outbox.facts.filter((f) => f.startsWith('moved'))).toEqual([]);
  });
});

describe('the owner asks for a delivery', () => {
  const alice = { id: ALICE, isAdmin: false };

  it('opens one for a paid order, then returns it', async () => {
    const t = setup();
    t.orders.orders.set(ORDER, { id: ORDER, userId: ALICE });
    t.paid.orders.add(ORDER);
    const command = { requester: alice, userToken: 't', orderId: ORDER, address: ADDRESS };
    const first = await t.request.execute(command);
    expect(first.created).toBe(true);
    expect(first.delivery.userId).toBe(ALICE);
    const again = await t.request.execute({
      ...command,
      address: { ...ADDRESS, street: 'Elsewhere 2' },
    });
    expect(again.created).toBe(false);
    expect(again.delivery.id).toBe(first.delivery.id);
    expect(again.delivery.address.street).toBe('Calle Mayor 1');
  });

  it('refuses an order not known to be paid (422)', async () => {
    const t = setup();
    t.orders.orders.set(ORDER, { id: ORDER, userId: ALICE });
    await expect(
      t.request.execute({ requester: alice, userToken: 't', orderId: ORDER, address: ADDRESS }),
    ).rejects.toMatchObject({ code: 'order_not_paid', details: { cancelled: false } });
  });

  it('refuses a paid order whose cancellation already arrived (422)', async () => {
    const t = setup();
    t.orders.orders.set(ORDER, { id: ORDER, userId: ALICE });
    t.paid.orders.add(ORDER);
    await t.cancel.execute({ orderId: ORDER, cause: 'x' });
    await expect(
      t.request.execute({ requester: alice, userToken: 't', orderId: ORDER, address: ADDRESS }),
    ).rejects.toMatchObject({ code: 'order_not_paid', details: { cancelled: true } });
  });

  it('404 for an unknown order or another customer’s; admin may ask for anyone', async () => {
    const t = setup();
    await expect(
      t.request.execute({ requester: alice, userToken: 't', orderId: ORDER, address: ADDRESS }),
    ).rejects.toBeInstanceOf(OrderNotFound);
    t.orders.orders.set(ORDER, { id: ORDER, userId: BOB });
    t.paid.orders.add(ORDER);
    await expect(
      t.request.execute({ requester: alice, userToken: 't', orderId: ORDER, address: ADDRESS }),
    ).rejects.toBeInstanceOf(OrderNotFound);
    const byAdmin = await t.request.execute({
      requester: { id: ALICE, isAdmin: true },
      userToken: 't',
      orderId: ORDER,
      address: ADDRESS,
    });
    expect(byAdmin.delivery.userId).toBe(BOB);
  });
});

describe('status changes', () => {
  it('publish in transit and delivered; an illegal move publishes nothing', async () => {
    const t = setup();
    const created = await t.create.execute({ orderId: ORDER, userId: ALICE, address: ADDRESS });
    const id = (created.delivery as Delivery).id;
    await t.change.execute({ deliveryId: id, target: 'en_transito' });
    await t.change.execute({ deliveryId: id, target: 'entregada' });
    expect(t.outbox.facts).toEqual(['created:pendiente', 'moved:en_transito', 'moved:entregada']);
    await expect(t.change.execute({ deliveryId: id, target: 'cancelada' })).rejects.toBeInstanceOf(
      IllegalDeliveryTransition,
    );
    expect(t.outbox.facts).toHaveLength(3);
  });

  it('a write that finds the status changed under it is 409 with the status found, nothing published', async () => {
    const t = setup();
    const created = await t.create.execute({ orderId: ORDER, userId: ALICE, address: ADDRESS });
    t.deliveries.movedMeanwhile = 'cancelada';
    await expect(
      t.change.execute({ deliveryId: (created.delivery as Delivery).id, target: 'en_transito' }),
    ).rejects.toMatchObject({
      code: 'illegal_transition',
      details: { current_status: 'cancelada', requested_status: 'en_transito' },
    });
    expect(t.outbox.facts).toEqual(['created:pendiente']);
  });

  it('cancelling a pending delivery publishes delivery.cancelled', async () => {
    const t = setup();
    const created = await t.create.execute({ orderId: ORDER, userId: ALICE, address: ADDRESS });
    await t.change.execute({ deliveryId: (created.delivery as Delivery).id, target: 'cancelada' });
    expect(t.outbox.facts).toEqual([
      'created:pendiente',
      'cancelled:cancelada:cancelled by an administrator',
    ]);
  });
});
