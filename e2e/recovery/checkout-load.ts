// A steady checkout load from outside, as a shop's customers make it: each client, in a closed
// loop, opens a cart, adds a line, checks out and pays (Idempotency-Key on the payment), and
// retries what may work a moment later (no answer, 5xx, 429, a key or payment still in flight)
// until a flow deadline. Every answer is kept with its time, for the figures of a fault.
import { randomUUID } from 'node:crypto';
import { setTimeout as sleep } from 'node:timers/promises';
import { ADDRESS, CARDS, Customer, Json, Shop, call } from '../support/http';

export type Step = 'cart' | 'item' | 'checkout' | 'pay';

export interface Answered {
  step: Step;
  /** when the answer (or the failure to get one) arrived, ms since the epoch */
  at: number;
  status: number;
  /** the problem type's last segment, for errors */
  problem?: string;
}

export interface Flow {
  client: number;
  startedAt: number;
  endedAt?: number;
  orderId?: string;
  checkedOutAt?: number;
  /** payment ids answered 201, and the status they were answered with */
  paid: Array<{ id: string; status: string; at: number }>;
  /** why the flow stopped short of a 201 payment, if it did */
  failure?: string;
  answers: Answered[];
}

/** Answers worth retrying: the platform says "not now", not "no". */
const RETRY_LATER = new Set([
  'idempotency-key-in-flight',
  'payment-in-progress',
  'checkout-pending',
]);

function problemOf(body: unknown): string | undefined {
  const type = (body as { type?: unknown } | null)?.type;
  return typeof type === 'string' ? type.split('/').pop() : undefined;
}

function retryable(status: number, problem: string | undefined): boolean {
  return (
    status === 0 ||
    status >= 500 ||
    status === 429 ||
    (status === 409 && RETRY_LATER.has(problem ?? ''))
  );
}

export interface LoadOptions {
  /** pause before retrying an answer that said "not now" */
  retryPauseMs?: number;
  /** a flow still unfinished after this fails (a stuck cart) */
  flowDeadlineMs?: number;
  /**
   * each client starts its next flow no sooner than this after the last one began: keeps the
   * load under a per-IP rate limit that a faster platform would otherwise reach (all clients
   * share 127.0.0.1)
   */
  minFlowMs?: number;
}

export class CheckoutLoad {
  readonly flows: Flow[] = [];
  private stopping = false;
  private loops: Array<Promise<void>> = [];

  constructor(
    private readonly shop: Shop,
    private readonly customers: Customer[],
    private readonly productId: string,
    private readonly options: LoadOptions = {},
  ) {}

  start(): void {
    this.loops = this.customers.map((customer, client) => this.loop(client, customer));
  }

  /** Lets every client finish the flow it is in, then resolves. */
  async stop(): Promise<void> {
    this.stopping = true;
    await Promise.all(this.loops);
  }

  /** Every answer of every flow, in time order. */
  answers(): Answered[] {
    return this.flows.flatMap((f) => f.answers).sort((a, b) => a.at - b.at);
  }

  private async loop(client: number, customer: Customer): Promise<void> {
    while (!this.stopping) {
      const flow: Flow = { client, startedAt: Date.now(), paid: [], answers: [] };
      this.flows.push(flow);
      try {
        await this.run(flow, customer);
      } catch (error) {
        flow.failure = (error as Error).message;
      }
      flow.endedAt = Date.now();
      const pause = flow.startedAt + (this.options.minFlowMs ?? 0) - Date.now();
      if (pause > 0 && !this.stopping) await sleep(pause);
    }
  }

  private async run(flow: Flow, who: Customer): Promise<void> {
    const deadline = flow.startedAt + (this.options.flowDeadlineMs ?? 60_000);
    const cart = await this.until(flow, deadline, 'cart', [200, 201], () =>
      call<{ id: string }>('POST', this.shop.url('cart', '/carts'), { token: who.token }),
    );
    const cartId = (cart as { id: string }).id;
    await this.until(flow, deadline, 'item', [200], () =>
      call('POST', this.shop.url('cart', `/carts/${cartId}/items`), {
        token: who.token,
        body: { product_id: this.productId, quantity: 1 },
      }),
    );
    const order = (await this.until(flow, deadline, 'checkout', [200, 201], () =>
      call('POST', this.shop.url('cart', `/carts/${cartId}/checkout`), {
        token: who.token,
        body: { shipping_address: ADDRESS },
      }),
    )) as { id: string; total: number };
    flow.orderId = order.id;
    flow.checkedOutAt = Date.now();
    const key = `recovery-${randomUUID()}`;
    const payment = (await this.until(flow, deadline, 'pay', [201], () =>
      call('POST', this.shop.url('payment', '/payments/process'), {
        token: who.token,
        headers: { 'idempotency-key': key },
        body: {
          order_id: order.id,
          amount: order.total,
          payment_method: 'credit_card',
          card: { number: CARDS.approves, exp_month: 12, exp_year: 2099, cvc: '123' },
        },
      }),
    )) as { id: string; status: string };
    flow.paid.push({ id: payment.id, status: payment.status, at: Date.now() });
  }

  /** Sends until an `ok` answer (its body) or a definitive refusal / the deadline (throws). */
  private async until(
    flow: Flow,
    deadline: number,
    step: Step,
    ok: number[],
    send: () => Promise<{ status: number; body: unknown }>,
  ): Promise<Json> {
    for (;;) {
      const res = await send();
      const problem = res.status >= 400 || res.status === 0 ? problemOf(res.body) : undefined;
      flow.answers.push({ step, at: Date.now(), status: res.status, problem });
      if (ok.includes(res.status)) return res.body as Json;
      if (!retryable(res.status, problem)) {
        throw new Error(`${step} answered ${res.status} ${problem ?? ''}`.trim());
      }
      if (Date.now() > deadline) throw new Error(`${step} still failing at the flow deadline`);
      await sleep(this.options.retryPauseMs ?? 200);
    }
  }
}
