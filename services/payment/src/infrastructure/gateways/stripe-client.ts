import Stripe from 'stripe';
import { PaymentConfig } from '../config/payment.config';

/** The API version the adapter's mapping was written against (sent as Stripe-Version). */
export const STRIPE_API_VERSION = '2024-06-20';

export interface StripeAddress {
  protocol: 'http' | 'https';
  host: string;
  port: number;
}

/**
 * STRIPE_API_BASE as the SDK takes it: scheme, host and port (the SDK adds `/v1/…` itself, so
 * a base with a path could not be honoured and is refused rather than silently dropped).
 */
export function stripeAddress(apiBase: string): StripeAddress {
  const url = new URL(apiBase);
  if ((url.pathname !== '/' && url.pathname !== '') || url.search || url.hash) {
    throw new Error(`STRIPE_API_BASE must be scheme://host[:port] without a path, got ${apiBase}`);
  }
  const protocol = url.protocol === 'http:' ? 'http' : 'https';
  return {
    protocol,
    // an IPv6 literal comes bracketed from URL; node's http.request wants it bare
    host: url.hostname.replace(/^\[(.*)\]$/, '$1'),
    port: url.port ? Number(url.port) : protocol === 'http' ? 80 : 443,
  };
}

/**
 * The official SDK over node's http(s) with its keep-alive agent (as axios had through node's
 * global agent), one call at most PAYMENT_GATEWAY_TIMEOUT_MS of silence.
 * No network retries (maxNetworkRetries 0, as before the SDK): a lost charge is asked about
 * later by reconciliation under the same Idempotency-Key, and retries here would multiply the
 * time a payment request can take (the idempotency lease and PAYMENT_RECONCILE_MIN_AGE_MS are
 * sized on three calls at their timeout). The SDK still retries once a connection closed
 * before an answer (ECONNRESET/EPIPE, usually a stale keep-alive socket): every POST carries
 * our idempotency key, so that repeat cannot charge twice.
 * No telemetry: it would write an id file under $HOME and send request timings to Stripe.
 */
export function createStripeClient(config: PaymentConfig): Stripe {
  const { secretKey, apiBase } = config.stripe;
  if (!secretKey) throw new Error('STRIPE_SECRET_KEY is required for Stripe');
  return new Stripe(secretKey, {
    ...stripeAddress(apiBase),
    // The SDK's types describe its newest API version; the fields read here (status, ids,
    // last_payment_error, error code/decline_code) are the same in the pinned one.
    apiVersion: STRIPE_API_VERSION as Stripe.LatestApiVersion,
    timeout: config.gatewayTimeoutMs,
    maxNetworkRetries: 0,
    telemetry: false,
  });
}
