// `npm start` (its default mode, also `--in-process`): the seven services in the launcher's own
// event loop and heap (the gateway a process of its own), exercised over HTTP and the launcher's
// control channel only, as the full-stack suite exercises a process per service:
// - every service healthy on its own port, all in the launcher's process; each one's log lines
//   carry its own name, Nest's included (one @nestjs/common serves the seven: its static logger
//   is routed to the service whose code writes);
// - the whole flow: customer, cart, checkout, payment, then the order `pagada` with its delivery;
// - one service stopped over the control channel (its port closes, the others run on) and started
//   again; another stopped with SIGKILL: its open connections are cut at once;
// - SIGTERM to the launcher: exit code 0, every port free, no process left behind.
import net from 'node:net';
import { Client } from 'pg';
import { portIsFree } from '../scripts/lib/proc.mjs';
import { Shop, call, eventually, expectCall } from './support/http';
import { FullStack, SERVICE_NAMES, ServiceName } from './support/stack';

const MINUTE = 60_000;
const CONVERGE_MS = 60_000;
const SEVEN = SERVICE_NAMES.filter((n) => n !== 'gateway');

describe('full stack in one event loop (npm start, its default mode; HTTP only)', () => {
  let stack: FullStack;
  let shop: Shop;

  const portOf = (name: ServiceName) => Number(new URL(stack.urls[name]).port);
  const healthy = async (name: ServiceName) =>
    (await call('GET', `${stack.urls[name]}/health`)).status === 200;

  beforeAll(async () => {
    // npm start's default: no run mode asked for, whatever the harness would set
    stack = await FullStack.start({ env: { IN_PROCESS: '', THREADS: '' } });
    shop = new Shop(stack);
  }, 20 * MINUTE);

  afterAll(async () => {
    await stack?.close();
  }, 3 * MINUTE);

  it('runs the seven healthy in the launcher’s process, the gateway in its own', async () => {
    for (const name of SERVICE_NAMES) await expectCall(200, 'GET', `${stack.urls[name]}/health`);
    for (const name of SEVEN) expect(stack.processOf[name]).toBe(stack.launcherPid);
    expect(stack.processOf.gateway).not.toBe(stack.launcherPid);

    const usage = await stack.usage();
    expect(usage.mode).toBe('in-process');
    expect(usage.pid).toBe(stack.launcherPid);
    expect(usage.services.map((s) => s.name).sort()).toEqual([...SERVICE_NAMES].sort());
    // the one heap holds the seven: more than any one service's (about 40 MiB at rest)
    expect(usage.mainHeapKiB).toBeGreaterThan(80 * 1024);
    expect(usage.rssKiB).toBeGreaterThan(usage.mainHeapKiB);
  });

  it('labels each service’s lines with its own name, Nest’s start-up lines included', () => {
    const lines = stack
      .logTail(100_000)
      .split('\n')
      .filter((l) => l.startsWith('{'))
      .map((l) => JSON.parse(l) as { service?: string; msg?: string; context?: string });
    for (const name of SEVEN) {
      // written by Fastify's logger, which each app has of its own: the port says whose it is
      const listening = lines.filter((l) =>
        l.msg?.startsWith(`Server listening at http://127.0.0.1:${portOf(name)}`),
      );
      expect(listening.map((l) => l.service)).toEqual([name]);
    }
    // written through Nest's one static logger: once per service, each under its own name
    const started = lines.filter((l) => l.msg === 'Nest application successfully started');
    expect(started.map((l) => l.service).sort()).toEqual([...SEVEN].sort());
    const modules = lines.filter(
      (l) => l.context === 'InstanceLoader' && l.msg?.match(/^\w+Module /),
    );
    for (const name of SEVEN) {
      // its own root module's line (CartModule, OrderValidationModule) under its own name
      const root = `${name.replace(/(^|-)(\w)/g, (_, __, c: string) => c.toUpperCase())}Module`;
      const own = modules.filter((l) => l.msg?.startsWith(`${root} `));
      expect(own.map((l) => l.service)).toEqual([name]);
    }
    // the seven data sources are in seven containers: @nestjs/typeorm's warning does not apply
    expect(lines.filter((l) => l.context === 'DataSourceNameRegistry')).toEqual([]);
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
    'stops one service over the control channel and starts it again; the rest run on',
    async () => {
      await stack.withLog(async () => {
        await stack.stopService('delivery'); // its graceful close
        expect(await portIsFree(portOf('delivery'))).toBe(true);
        expect(await healthy('order')).toBe(true);
        expect((await stack.usage()).services.map((s) => s.name)).not.toContain('delivery');

        // an idle keep-alive connection to cart: SIGKILL cuts it rather than waiting for it
        const socket = net.connect(portOf('cart'), '127.0.0.1');
        await new Promise((resolve, reject) =>
          socket.once('connect', resolve).once('error', reject),
        );
        const cut = new Promise((resolve) => socket.once('close', resolve));
        await stack.stopService('cart', 'SIGKILL');
        await cut;
        expect(await portIsFree(portOf('cart'))).toBe(true);
        expect(await healthy('product')).toBe(true);

        await stack.startService('delivery');
        await stack.startService('cart');
        expect(await healthy('delivery')).toBe(true);
        expect(await healthy('cart')).toBe(true);
        const after = await stack.usage();
        expect(after.pid).toBe(stack.launcherPid);
        expect(after.services.map((s) => s.name).sort()).toEqual([...SERVICE_NAMES].sort());

        // the restarted services work: a cart for a new customer, through cart and order
        const [product] = await shop.products(1);
        const who = await shop.customer();
        const order = await shop.placeOrder(who, [{ product_id: product.id, quantity: 1 }]);
        expect(order.status).toBe('creada');
      });
    },
    3 * MINUTE,
  );

  it(
    'a start that fails leaves the others running and nothing open: a bad setting, a taken port',
    async () => {
      const admin = new Client({ connectionString: process.env.POSTGRES_URL });
      await admin.connect();
      const backends = async () =>
        Number(
          (
            await admin.query<{ n: string }>(
              'SELECT count(*) AS n FROM pg_stat_activity WHERE datname = $1',
              [`${stack.dbPrefix}delivery_db`],
            )
          ).rows[0].n,
        );
      try {
        await stack.withLog(async () => {
          await stack.stopService('delivery');
          await eventually('delivery’s connections closed', backends, (n) => n === 0, 10_000);

          // refused before anything opens, every problem named
          await expect(
            stack.startService('delivery', { RATE_LIMIT_PER_MINUTE: 'lots' }),
          ).rejects.toThrow(/Invalid configuration: .*RATE_LIMIT_PER_MINUTE/);
          // fails at listen, after its pool opened and its migrations ran: the pool is closed
          await expect(
            stack.startService('delivery', { PORT: String(portOf('cart')) }),
          ).rejects.toThrow(/Startup failed: .*EADDRINUSE/);
          await eventually(
            'the failed start’s connections closed',
            backends,
            (n) => n === 0,
            10_000,
          );
          expect(await healthy('cart')).toBe(true);

          await stack.startService('delivery');
          expect(await healthy('delivery')).toBe(true);
          expect(await backends()).toBeGreaterThan(0);
        });
      } finally {
        await stack.ensureRunning('delivery');
        await admin.end();
      }
    },
    3 * MINUTE,
  );

  it(
    'stops cleanly on SIGTERM: exit code 0, every service closed by itself, every port free',
    async () => {
      const { leftovers, exitCode } = await stack.shutdown(90_000, 'SIGTERM');
      expect(exitCode).toBe(0);
      expect(leftovers).toEqual([]);
      for (const name of SERVICE_NAMES) expect(await portIsFree(portOf(name))).toBe(true);
      const log = stack.logTail(200);
      expect(log).toContain('SIGTERM received');
      expect(log).not.toContain('killed after the timeout');
      expect(log).toMatch(/› stopped$/m);
    },
    2 * MINUTE,
  );
});
