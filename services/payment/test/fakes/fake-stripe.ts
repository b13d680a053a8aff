import { randomBytes } from 'node:crypto';
import { Answer, FakeServer, RecordedRequest, startFakeHttpServer } from './fake-http-server';

/**
 * A local fake of Stripe's REST API, as far as the payment service uses it: PaymentIntents
 * (create with confirm=true, retrieve, search by metadata) and refunds. Real HTTP, Stripe's
 * paths, Bearer secret-key auth, form-encoded bodies with bracketed keys, JSON answers, errors
 * as `{error: {type, code, decline_code, message, payment_intent}}` with 402 for card errors,
 * and Stripe's idempotency: the same Idempotency-Key with the same parameters replays the
 * first answer (`Idempotent-Replayed: true`) and charges nothing more; with other parameters
 * it is a 400 idempotency_error.
 *
 * Cards (as a test PaymentMethod or raw `payment_method_data[card][number]`): 4242… and any
 * other number succeed; 4000000000000002 card_declined/generic_decline; 4000000000009995
 * card_declined/insufficient_funds; 4000000000000119 processing_error; 4000000000003220
 * requires_action (3-D Secure).
 */
export interface FakeStripe extends FakeServer {
  secretKey: string;
  /**
   * The next `times` requests matching `path` get `answer` without being processed (Stripe
   * failing before it acted: a 500, a proxy's 502 page…).
   */
  fail(path: RegExp, answer: Answer, times?: number): void;
  /** successful charges per metadata.payment_id */
  chargesFor(paymentId: string): number;
  /** refunds per PaymentIntent id */
  refundsFor(intentId: string): number;
}

interface Intent {
  id: string;
  object: 'payment_intent';
  amount: number;
  currency: string;
  status: string;
  metadata: Record<string, string>;
  latest_charge: string | null;
  last_payment_error: Record<string, unknown> | null;
  created: number;
}

const TEST_METHODS: Record<string, string> = {
  pm_card_visa: '4242424242424242',
  pm_card_visa_debit: '4000056655665556',
  pm_card_mastercard: '5555555555554444',
  pm_card_chargeDeclined: '4000000000000002',
  pm_card_chargeDeclinedInsufficientFunds: '4000000000009995',
  pm_card_chargeDeclinedProcessingError: '4000000000000119',
};

/** The only API version this fake speaks. */
export const FAKE_STRIPE_API_VERSION = '2024-06-20';

/** Top-level parameters each POST takes (Stripe answers parameter_unknown for others). */
const KNOWN_PARAMS: Record<string, readonly string[]> = {
  '/v1/payment_intents': [
    'amount',
    'currency',
    'confirm',
    'payment_method_types',
    'payment_method',
    'payment_method_data',
    'description',
    'metadata',
  ],
  '/v1/refunds': ['payment_intent', 'amount', 'reason', 'metadata'],
};

const id = (prefix: string) => `${prefix}_${randomBytes(12).toString('hex')}`;

/** `a[b][c]=v&list[0]=x` → nested objects (Stripe's encoding). */
export function parseForm(body: string): Record<string, unknown> {
  const root: Record<string, unknown> = {};
  for (const [key, value] of new URLSearchParams(body)) {
    const parts = key.split(/\[|\]\[|\]/).filter((p) => p !== '');
    let node = root;
    parts.forEach((part, index) => {
      if (index === parts.length - 1) node[part] = value;
      else node = (node[part] ??= {}) as Record<string, unknown>;
    });
  }
  return root;
}

function stripeError(status: number, error: Record<string, unknown>): Answer {
  return { status, body: { error } };
}

export async function startFakeStripe(secretKey = 'sk_test_fake_4eC39HqLyjWDarjtT1zdp7dc') {
  const intents = new Map<string, Intent>();
  const charges = new Map<string, number>();
  const refunds = new Map<string, number>();
  const idempotency = new Map<string, { fingerprint: string; answer: Answer }>();
  const failures: Array<{ path: RegExp; answer: Answer; times: number }> = [];
  const basic = `Basic ${Buffer.from(`${secretKey}:`).toString('base64')}`;

  function createIntent(params: Record<string, unknown>): Answer {
    const amount = Number(params.amount);
    if (!Number.isInteger(amount) || amount <= 0 || typeof params.currency !== 'string') {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'parameter_invalid_integer',
        param: 'amount',
        message: 'Invalid integer',
      });
    }
    const data = params.payment_method_data as { card?: { number?: string } } | undefined;
    const number =
      typeof params.payment_method === 'string'
        ? TEST_METHODS[params.payment_method]
        : data?.card?.number;
    if (!number) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'payment_method',
        message: 'No such PaymentMethod',
      });
    }
    const intent: Intent = {
      id: id('pi'),
      object: 'payment_intent',
      amount,
      currency: params.currency,
      status: 'requires_payment_method',
      metadata: (params.metadata as Record<string, string>) ?? {},
      latest_charge: id('ch'),
      last_payment_error: null,
      created: Math.floor(Date.now() / 1000),
    };
    intents.set(intent.id, intent);
    if (params.confirm !== 'true') return { status: 200, body: intent };
    const decline: Record<string, Record<string, string>> = {
      '4000000000000002': { code: 'card_declined', decline_code: 'generic_decline' },
      '4000000000009995': { code: 'card_declined', decline_code: 'insufficient_funds' },
      '4000000000000119': { code: 'processing_error' },
    };
    if (decline[number]) {
      intent.last_payment_error = { type: 'card_error', ...decline[number] };
      return stripeError(402, {
        type: 'card_error',
        ...decline[number],
        message: 'Your card was declined.',
        charge: intent.latest_charge,
        payment_intent: intent,
      });
    }
    if (number === '4000000000003220') {
      intent.status = 'requires_action';
      return { status: 200, body: intent };
    }
    intent.status = 'succeeded';
    const paymentId = intent.metadata.payment_id ?? intent.id;
    charges.set(paymentId, (charges.get(paymentId) ?? 0) + 1);
    return { status: 200, body: intent };
  }

  function refund(params: Record<string, unknown>): Answer {
    const intent = intents.get(String(params.payment_intent));
    if (!intent) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'resource_missing',
        param: 'payment_intent',
        message: `No such payment_intent: '${String(params.payment_intent)}'`,
      });
    }
    if (intent.status !== 'succeeded') {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'charge_not_refundable',
        message: 'This PaymentIntent has no successful charge to refund.',
      });
    }
    if ((refunds.get(intent.id) ?? 0) > 0) {
      return stripeError(400, {
        type: 'invalid_request_error',
        code: 'charge_already_refunded',
        message: `Charge ${intent.latest_charge} has already been refunded.`,
      });
    }
    refunds.set(intent.id, 1);
    return {
      status: 200,
      body: {
        id: id('re'),
        object: 'refund',
        amount: intent.amount,
        currency: intent.currency,
        charge: intent.latest_charge,
        payment_intent: intent.id,
        status: 'succeeded',
        metadata: params.metadata ?? {},
      },
    };
  }

  function route(request: RecordedRequest, params: Record<string, unknown>): Answer {
    const { method, path } = request;
    if (method === 'POST' && path === '/v1/payment_intents') return createIntent(params);
    if (method === 'POST' && path === '/v1/refunds') return refund(params);
    if (method === 'GET' && path === '/v1/payment_intents/search') {
      const match = /^metadata\['(\w+)'\]:'([^']*)'$/.exec(request.query.get('query') ?? '');
      if (!match) {
        return stripeError(400, {
          type: 'invalid_request_error',
          code: 'parameter_invalid',
          message: 'Invalid search query',
        });
      }
      const data = [...intents.values()].filter((i) => i.metadata[match[1]] === match[2]);
      return {
        status: 200,
        body: { object: 'search_result', url: '/v1/payment_intents/search', has_more: false, data },
      };
    }
    const one = /^\/v1\/payment_intents\/([^/]+)$/.exec(path);
    if (method === 'GET' && one) {
      const intent = intents.get(decodeURIComponent(one[1]));
      return intent
        ? { status: 200, body: intent }
        : stripeError(404, {
            type: 'invalid_request_error',
            code: 'resource_missing',
            param: 'intent',
            message: `No such payment_intent: '${one[1]}'`,
          });
    }
    return stripeError(404, {
      type: 'invalid_request_error',
      message: `Unrecognized request URL (${method}: ${path}).`,
    });
  }

  const server = await startFakeHttpServer((request) => {
    const auth = request.headers.authorization;
    if (auth !== `Bearer ${secretKey}` && auth !== basic) {
      return stripeError(401, {
        type: 'invalid_request_error',
        message: 'Invalid API Key provided: sk_test_****',
      });
    }
    const version = request.headers['stripe-version'];
    if (version !== FAKE_STRIPE_API_VERSION) {
      return stripeError(400, {
        type: 'invalid_request_error',
        message: `This fake speaks Stripe-Version ${FAKE_STRIPE_API_VERSION} only, got ${String(version)}`,
      });
    }
    const failure = failures.find((f) => f.times > 0 && f.path.test(request.path));
    if (failure) {
      failure.times -= 1;
      return failure.answer;
    }
    let params: Record<string, unknown> = {};
    if (request.method === 'POST') {
      if (
        !String(request.headers['content-type']).startsWith('application/x-www-form-urlencoded')
      ) {
        return stripeError(400, {
          type: 'invalid_request_error',
          message: 'Invalid request: bodies must be application/x-www-form-urlencoded',
        });
      }
      params = parseForm(request.body);
      const unknown = Object.keys(params).find((k) => !KNOWN_PARAMS[request.path]?.includes(k));
      if (unknown) {
        return stripeError(400, {
          type: 'invalid_request_error',
          code: 'parameter_unknown',
          param: unknown,
          message: `Received unknown parameter: ${unknown}`,
        });
      }
    }
    const key = request.headers['idempotency-key'];
    if (request.method !== 'POST' || typeof key !== 'string') return route(request, params);
    const fingerprint = `${request.path}|${JSON.stringify(params)}`;
    const known = idempotency.get(key);
    if (known) {
      if (known.fingerprint !== fingerprint) {
        return stripeError(400, {
          type: 'idempotency_error',
          message:
            'Keys for idempotent requests can only be used with the same parameters they were first used with.',
        });
      }
      return { ...known.answer, headers: { 'idempotent-replayed': 'true' } };
    }
    const answer = route(request, params);
    idempotency.set(key, { fingerprint, answer });
    return answer;
  });

  const fake: FakeStripe = {
    ...server,
    secretKey,
    fail(path, answer, times = 1) {
      failures.push({ path, answer, times });
    },
    chargesFor: (paymentId) => charges.get(paymentId) ?? 0,
    refundsFor: (intentId) => refunds.get(intentId) ?? 0,
  };
  return fake;
}
