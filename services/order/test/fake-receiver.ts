import { plainToInstance } from 'class-transformer';
import { validate } from 'class-validator';
import { AddressInfo } from 'node:net';
import { Server, createServer } from 'node:http';
import {
  CancelDeliveryMessageDto,
  CreateDeliveryMessageDto,
  MESSAGE_PATHS,
  RefundOrderPaymentMessageDto,
} from '@app/contracts';

type Dto = new () => object;

/** The internal endpoints of the real services, with the body each accepts (@app/contracts). */
const ROUTES: Record<'delivery' | 'payment', Record<string, Dto>> = {
  delivery: {
    [MESSAGE_PATHS.createDelivery()]: CreateDeliveryMessageDto,
    [MESSAGE_PATHS.cancelDelivery()]: CancelDeliveryMessageDto,
  },
  payment: {
    [MESSAGE_PATHS.refundPayment()]: RefundOrderPaymentMessageDto,
  },
};

export interface ReceivedMessage {
  path: string;
  body: Record<string, unknown>;
}

export interface FakeReceiver {
  url: string;
  /** messages acknowledged (answered 2xx), in arrival order; a redelivery appears twice */
  received: ReceivedMessage[];
  /** every request, acknowledged or not */
  attempts: number;
  /** `fail`: answer 500 to everything (the service is up but broken) */
  mode: 'ok' | 'fail';
  /** the bodies of `path` acknowledged so far */
  bodiesOf(path: string): Array<Record<string, unknown>>;
  stop(): Promise<void>;
}

/**
 * A real local HTTP server standing in for the delivery or payment service while they are
 * written: it serves their internal message endpoints, checks the caller's service key and
 * validates each body against the contract DTO exactly as their validation pipe will
 * (whitelist, unknown fields refused: 400), and records what it acknowledged. It applies
 * nothing and does not deduplicate, so a message sent twice shows up twice.
 */
export async function startFakeReceiver(
  service: 'delivery' | 'payment',
  expectedServiceKey: string,
): Promise<FakeReceiver> {
  const state = {
    url: '',
    received: [] as ReceivedMessage[],
    attempts: 0,
    mode: 'ok',
  } as FakeReceiver;
  state.bodiesOf = (path) => state.received.filter((m) => m.path === path).map((m) => m.body);

  const server: Server = createServer((req, res) => {
    state.attempts += 1;
    const chunks: Buffer[] = [];
    req.on('data', (chunk: Buffer) => chunks.push(chunk));
    req.on('end', () => {
      void answer(req.method ?? '', req.url ?? '', req.headers['x-service-key'], chunks).then(
        ({ status, body }) =>
          res.writeHead(status, { 'content-type': 'application/json' }).end(JSON.stringify(body)),
      );
    });
  });

  async function answer(
    method: string,
    path: string,
    serviceKey: string | string[] | undefined,
    chunks: Buffer[],
  ): Promise<{ status: number; body: unknown }> {
    if (state.mode === 'fail') return { status: 500, body: { status: 500 } };
    if (serviceKey !== expectedServiceKey) return { status: 401, body: { status: 401 } };
    const dto = ROUTES[service][path];
    if (method !== 'POST' || !dto) return { status: 404, body: { status: 404 } };
    let body: Record<string, unknown>;
    try {
      body = JSON.parse(Buffer.concat(chunks).toString('utf8')) as Record<string, unknown>;
    } catch {
      return { status: 400, body: { status: 400, detail: 'malformed JSON' } };
    }
    const errors = await validate(plainToInstance(dto, body), {
      whitelist: true,
      forbidNonWhitelisted: true,
    });
    if (errors.length > 0) {
      return { status: 400, body: { status: 400, errors: errors.map((e) => e.property) } };
    }
    state.received.push({ path, body });
    return { status: 200, body: { ok: true } };
  }

  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  state.url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  state.stop = () =>
    new Promise((resolve) => {
      server.closeAllConnections();
      server.close(() => resolve());
    });
  return state;
}
