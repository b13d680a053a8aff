import { Type } from 'class-transformer';
import {
  IsIn,
  IsInt,
  IsString,
  IsUrl,
  Matches,
  Max,
  Min,
  MinLength,
  ValidateIf,
} from 'class-validator';
import { validateEnv } from '@app/platform';

const GATEWAYS = ['simulated', 'stripe', 'paypal'] as const;
export type GatewayChoice = (typeof GATEWAYS)[number];

const URL_OPTS = { require_tld: false, require_protocol: true, protocols: ['http', 'https'] };

/**
 * The payment service's own variables (on top of PlatformEnv, UpstreamEnv, MessagingEnv and
 * IdempotencyEnv).
 * Names are the variables, so a validation message names exactly what to fix.
 */
export class PaymentEnv {
  /**
   * Required here (optional for the platform): the relay delivers `pagada` to the order
   * service's internal endpoint with it; the order service's SERVICE_API_KEYS.payment.
   */
  @IsString({ message: 'SERVICE_API_KEY is required: the payment service notifies orders with it' })
  @MinLength(16)
  SERVICE_API_KEY!: string;

  @IsIn(GATEWAYS)
  PAYMENT_GATEWAY: GatewayChoice = 'simulated';

  /** ISO 4217 code every payment is charged in. */
  @Matches(/^[A-Za-z]{3}$/, { message: 'PAYMENT_CURRENCY must be an ISO 4217 code such as eur' })
  PAYMENT_CURRENCY = 'eur';

  /** Timeout of one call to Stripe or PayPal; no answer in time leaves the payment pendiente. */
  @Type(() => Number)
  @IsInt()
  @Min(100)
  @Max(120_000)
  PAYMENT_GATEWAY_TIMEOUT_MS = 10_000;

  /** Pause between reconciliation passes over pending payments; 0 runs none in this process. */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PAYMENT_RECONCILE_INTERVAL_MS = 30_000;

  /**
   * A pending payment younger than this is left alone: its request may still be waiting for
   * the gateway (longer than an order lookup plus three gateway calls at their timeout).
   */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  PAYMENT_RECONCILE_MIN_AGE_MS = 60_000;

  /** A payment still pending this long, with no charge at the gateway, is declined. */
  @Type(() => Number)
  @IsInt()
  @Min(1000)
  PAYMENT_PENDING_EXPIRY_MS = 30 * 60_000;

  @Type(() => Number)
  @IsInt()
  @Min(1)
  @Max(1000)
  PAYMENT_RECONCILE_BATCH_SIZE = 50;

  /** Simulated gateway only: how long each of its answers takes (demos, concurrency tests). */
  @Type(() => Number)
  @IsInt()
  @Min(0)
  @Max(60_000)
  SIMULATED_GATEWAY_LATENCY_MS = 0;

  @ValidateIf((env: PaymentEnv) => env.PAYMENT_GATEWAY === 'stripe')
  @IsString({ message: 'STRIPE_SECRET_KEY is required when PAYMENT_GATEWAY=stripe' })
  @Matches(/^(sk|rk)_(test|live)_\S+$/, {
    message: 'STRIPE_SECRET_KEY must be a Stripe secret key (sk_test_… or sk_live_…)',
  })
  STRIPE_SECRET_KEY?: string;

  @IsUrl(URL_OPTS)
  STRIPE_API_BASE = 'https://api.stripe.com';

  @ValidateIf((env: PaymentEnv) => env.PAYMENT_GATEWAY === 'paypal')
  @IsString({ message: 'PAYPAL_CLIENT_ID is required when PAYMENT_GATEWAY=paypal' })
  @MinLength(1)
  PAYPAL_CLIENT_ID?: string;

  @ValidateIf((env: PaymentEnv) => env.PAYMENT_GATEWAY === 'paypal')
  @IsString({ message: 'PAYPAL_CLIENT_SECRET is required when PAYMENT_GATEWAY=paypal' })
  @MinLength(1)
  PAYPAL_CLIENT_SECRET?: string;

  @IsUrl(URL_OPTS)
  PAYPAL_API_BASE = 'https://api-m.sandbox.paypal.com';
}

export class PaymentConfig {
  constructor(
    readonly gateway: GatewayChoice,
    /** lower case */
    readonly currency: string,
    readonly gatewayTimeoutMs: number,
    readonly reconcileIntervalMs: number,
    readonly reconcileMinAgeMs: number,
    readonly pendingExpiryMs: number,
    readonly reconcileBatchSize: number,
    readonly simulatedLatencyMs: number,
    readonly stripe: { secretKey: string | undefined; apiBase: string },
    readonly paypal: {
      clientId: string | undefined;
      clientSecret: string | undefined;
      apiBase: string;
    },
  ) {}
}

export function loadPaymentConfig(rawEnv: Record<string, string | undefined>): PaymentConfig {
  const env = validateEnv(PaymentEnv, rawEnv);
  return new PaymentConfig(
    env.PAYMENT_GATEWAY,
    env.PAYMENT_CURRENCY.toLowerCase(),
    env.PAYMENT_GATEWAY_TIMEOUT_MS,
    env.PAYMENT_RECONCILE_INTERVAL_MS,
    env.PAYMENT_RECONCILE_MIN_AGE_MS,
    env.PAYMENT_PENDING_EXPIRY_MS,
    env.PAYMENT_RECONCILE_BATCH_SIZE,
    env.SIMULATED_GATEWAY_LATENCY_MS,
    { secretKey: env.STRIPE_SECRET_KEY, apiBase: env.STRIPE_API_BASE.replace(/\/+$/, '') },
    {
      clientId: env.PAYPAL_CLIENT_ID,
      clientSecret: env.PAYPAL_CLIENT_SECRET,
      apiBase: env.PAYPAL_API_BASE.replace(/\/+$/, ''),
    },
  );
}
