import { stripeAddress } from './stripe-client';

describe('stripeAddress: STRIPE_API_BASE as the SDK’s host, port and protocol', () => {
  it('the default is Stripe itself over https on 443', () => {
    expect(stripeAddress('https://api.stripe.com')).toEqual({
      protocol: 'https',
      host: 'api.stripe.com',
      port: 443,
    });
  });

  it('a local fake: http with its port; an IPv6 literal without brackets', () => {
    expect(stripeAddress('http://127.0.0.1:41125')).toEqual({
      protocol: 'http',
      host: '127.0.0.1',
      port: 41125,
    });
    expect(stripeAddress('http://[::1]:8080')).toEqual({
      protocol: 'http',
      host: '::1',
      port: 8080,
    });
    expect(stripeAddress('http://stripe-mock')).toEqual({
      protocol: 'http',
      host: 'stripe-mock',
      port: 80,
    });
  });

  it('a base with a path is refused (the SDK would drop it), naming the variable', () => {
    expect(() => stripeAddress('https://proxy.example/stripe')).toThrow(/STRIPE_API_BASE/);
    expect(() => stripeAddress('https://api.stripe.com/?x=1')).toThrow(/STRIPE_API_BASE/);
  });
});
