// `npm start -- --threads`: the whole platform as worker threads of the launcher's one process,
// exercised over HTTP and the launcher's control channel only, as the full-stack suite exercises
// a process per service:
// - every service healthy on its own port, all in the launcher's process, each in a thread of
//   its own with a V8 heap of its own (the launcher's `usage` answer), its log lines prefixed
//   with its name as they are with processes;
// - the whole flow: customer, cart, checkout, payment, then the order `pagada` with its delivery
//   (the saga's events between threads go through the outboxes and HTTP, as between processes);
// - one service stopped over the control channel (its thread ends, its port closes, the process
//   and the other services run on) and started again; another terminated (what a crash is);
// - SIGTERM to the launcher: exit code 0, every port free, no process left behind.
// About a minute when the services are built.
import { isAlive, portIsFree } from '../scripts/lib/proc.mjs';
import { Shop, call, expectCall } from './support/http';
import { FullStack, SERVICE_NAMES, ServiceName } from './support/stack';

const MINUTE = 60_000;
const CONVERGE_MS = 60_000;

describe('full stack as threads of one process (npm start -- --threads, HTTP only)', () => {
  let stack: FullStack;
  let shop: Shop;

  const portOf = (name: ServiceName) => Number(new URL(stack.urls[name]).port);
  const healthy = async (name: ServiceName) =>
    (await call('GET', `${stack.urls[name]}/health`)).status === 200;

  beforeAll(async () => {
    stack = await FullStack.start({ threads: true });
    shop = new Shop(stack);
  }, 20 * MINUTE);

  afterAll(async () => {
    await stack?.close();
  }, 3 * MINUTE);

  it('runs every service healthy in the launcher’s process, each in a thread with its own heap', async () => {
    for (const name of SERVICE_NAMES) {
      await expectCall(200, 'GET', `${stack.urls[name]}/health`);
      expect(stack.processOf[name]).toBe(stack.launcherPid);
    }
    expect(new Set(SERVICE_NAMES.map((n) => stack.threadOf[n])).size).toBe(SERVICE_NAMES.length);

    const usage = await stack.usage();
    expect(usage.mode).toBe('threads');
    expect(usage.pid).toBe(stack.launcherPid);
    expect(usage.services.map((s) => s.name).sort()).toEqual([...SERVICE_NAMES].sort());
    for (const s of usage.services) {
      expect(s.threadId).toBe(stack.threadOf[s.name]);
      expect(s.cpuMs).toBeGreaterThan(0);
      expect(s.heap!.usedKiB).toBeGreaterThan(1024);
      // the thread's resourceLimits (old generation capped at 512 MiB by default), not the
      // process's default limit of several GiB
      expect(s.heap!.limitKiB).toBeLessThan(1024 * 1024);
    }
    const heaps = usage.services.map((s) => s.heap!.physicalKiB);
    expect(usage.rssKiB).toBeGreaterThan(heaps.reduce((a, b) => a + b, 0));

    // each Nest service's log lines reach the launcher through it, prefixed with its name
    const log = stack.logTail(100_000);
    for (const name of SERVICE_NAMES.filter((n) => n !== 'gateway')) {
      expect(log).toMatch(new RegExp(`^${name} *\\| \\{.*"service":"${name}"`, 'm'));
    }
  });

  it(
    'takes an order through: customer, cart, checkout, payment, then pagada with its delivery',
    async () => {
      const { order, payment, delivery } = await stack.withLog(() =>
        shop.buyAndAwaitDelivery(CONVERGE_MS),
      );
      expect(payment).toMatchObject({ order_id: order.id, status: 'aprobado' });
      expect(delivery.order_id).toBe(order.id);
    },
    3 * MINUTE,
  );

  it(
    'stops a service’s thread over the control channel and starts it again; the rest run on',
    async () => {
      await stack.withLog(async () => {
        const before = await stack.usage();
        const threadOf = (u: typeof before, name: ServiceName) =>
          u.services.find((s) => s.name === name)?.threadId;

        await stack.stopService('delivery'); // SIGTERM relayed: its graceful stop
        expect(await portIsFree(portOf('delivery'))).toBe(true);
        expect(isAlive(stack.launcherPid)).toBe(true);
        expect(await healthy('order')).toBe(true);
        expect((await stack.usage()).services.map((s) => s.name)).not.toContain('delivery');

        await stack.stopService('cart', 'SIGKILL'); // terminated, as a crash ends a process
        expect(await portIsFree(portOf('cart'))).toBe(true);
        expect(await healthy('product')).toBe(true);

        await stack.startService('delivery');
        await stack.startService('cart');
        expect(await healthy('delivery')).toBe(true);
        expect(await healthy('cart')).toBe(true);
        const after = await stack.usage();
        expect(after.pid).toBe(stack.launcherPid);
        for (const name of ['delivery', 'cart'] as const) {
          expect(threadOf(after, name)).toBeDefined();
          expect(threadOf(after, name)).not.toBe(threadOf(before, name));
        }
        expect(threadOf(after, 'user')).toBe(threadOf(before, 'user'));
      });
    },
    3 * MINUTE,
  );

  it(
    'stops cleanly on SIGTERM: exit code 0, every thread ended by itself, every port free',
    async () => {
      const { leftovers, exitCode } = await stack.shutdown(90_000, 'SIGTERM');
      expect(exitCode).toBe(0);
      expect(leftovers).toEqual([]);
      for (const name of SERVICE_NAMES) expect(await portIsFree(portOf(name))).toBe(true);
      const log = stack.logTail(200);
      expect(log).toContain('SIGTERM received');
      // every thread stopped on the relayed signal within the timeout (none terminated)
      expect(log).not.toContain('killed after the timeout');
      expect(log).toMatch(/› stopped$/m);
    },
    2 * MINUTE,
  );
});
