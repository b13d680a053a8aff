import { ConfigError } from '@app/platform';
import { tokenStateSubscribers } from './token-state-subscribers';

describe('TOKEN_STATE_SUBSCRIBERS', () => {
  const parse = (value?: string) => tokenStateSubscribers({ TOKEN_STATE_SUBSCRIBERS: value });

  it('is nobody when unset or empty', () => {
    expect(parse()).toEqual([]);
    expect(parse(' , ')).toEqual([]);
  });

  it('takes the other six services, trimmed, once each', () => {
    expect(parse(' product,cart , order,payment,delivery,order-validation,cart')).toEqual([
      'product',
      'cart',
      'order',
      'payment',
      'delivery',
      'order-validation',
    ]);
  });

  it.each(['user', 'billing', 'cart;order', 'CART'])('refuses %s at start', (value) => {
    expect(() => parse(value)).toThrow(ConfigError);
    expect(() => parse(value)).toThrow(/TOKEN_STATE_SUBSCRIBERS/);
  });
});
