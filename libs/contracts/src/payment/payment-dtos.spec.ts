import { plainToInstance } from 'class-transformer';
import { ValidationError, validateSync } from 'class-validator';
import { isLuhnValid } from './card.dto';
import { ListPaymentsQueryDto } from './list-payments-query.dto';
import { SIMULATED_TEST_CARDS } from './payment-limits';
import { ProcessPaymentDto } from './process-payment.dto';

// The same options the platform's global ValidationPipe uses.
function errorsOf<T extends object>(cls: new () => T, plain: object): ValidationError[] {
  return validateSync(plainToInstance(cls, plain), { whitelist: true, forbidNonWhitelisted: true });
}

function failingPaths(errors: ValidationError[], prefix = ''): string[] {
  return errors.flatMap((e) => {
    const path = prefix ? `${prefix}.${e.property}` : e.property;
    return [
      ...(Object.keys(e.constraints ?? {}).length > 0 ? [path] : []),
      ...failingPaths(e.children ?? [], path),
    ];
  });
}

const fails = <T extends object>(cls: new () => T, plain: object) =>
  failingPaths(errorsOf(cls, plain));

const order_id = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const card = { number: '4242 4242 4242 4242', exp_month: 12, exp_year: 2099, cvc: '123' };

describe('ProcessPaymentDto', () => {
  const valid = { order_id, amount: 65.47, payment_method: 'credit_card', card };

  it('accepts a card payment and strips spaces and dashes from the number', () => {
    expect(fails(ProcessPaymentDto, valid)).toEqual([]);
    const dto = plainToInstance(ProcessPaymentDto, {
      ...valid,
      card: { ...card, number: '4242-4242-4242-4242' },
    });
    expect(dto.card?.number).toBe('4242424242424242');
  });

  it('accepts paypal without a card', () => {
    expect(fails(ProcessPaymentDto, { order_id, amount: 10, payment_method: 'paypal' })).toEqual(
      [],
    );
  });

  it.each([
    ['card', { card: undefined }],
    ['card', { payment_method: 'debit_card', card: undefined }],
    ['card', { payment_method: 'paypal' }],
    ['card', { card: 'x' }],
    ['card.number', { card: { ...card, number: '4242424242424241' } }],
    ['card.number', { card: { ...card, number: '42424242' } }],
    ['card.number', { card: { ...card, number: '4'.repeat(20) } }],
    ['card.number', { card: { ...card, number: 'abcd' } }],
    ['card.exp_month', { card: { ...card, exp_month: 13 } }],
    ['card.exp_year', { card: { ...card, exp_year: 2020 } }],
    ['card.exp_year', { card: { ...card, exp_year: 99 } }],
    ['card.cvc', { card: { ...card, cvc: '12' } }],
    ['card.cvc', { card: { ...card, cvc: 123 } }],
    ['card.pin', { card: { ...card, pin: '0000' } }],
    ['amount', { amount: 0 }],
    ['amount', { amount: 1.234 }],
    ['amount', { amount: '65.47' }],
    ['amount', { amount: 100_000_000 }],
    ['order_id', { order_id: 'nope' }],
    ['payment_method', { payment_method: 'cash' }],
    ['status', { status: 'aprobado' }],
  ])('refuses %s in %j', (field, change) => {
    const paths = fails(ProcessPaymentDto, { ...valid, ...change });
    expect(paths.some((p) => p === field || p.startsWith(`${field}.`) || field.startsWith(p))).toBe(
      true,
    );
  });

  it('never quotes the card number or the CVC in a message', () => {
    const secret = { number: '4242424242424241', exp_month: 1, exp_year: 2020, cvc: '98' };
    const text = JSON.stringify(
      errorsOf(ProcessPaymentDto, { ...valid, card: secret }).map((e) => e.children),
    );
    expect(text).toContain('number');
    const messages = JSON.stringify(
      errorsOf(ProcessPaymentDto, { ...valid, card: secret }).flatMap((e) =>
        (e.children ?? []).map((c) => c.constraints),
      ),
    );
    expect(messages).not.toContain('4242424242424241');
    expect(messages).not.toContain('"98"');
  });
});

describe('test cards and the Luhn check', () => {
  it('every documented simulator card is Luhn-valid', () => {
    for (const number of Object.values(SIMULATED_TEST_CARDS)) {
      expect(isLuhnValid(number)).toBe(true);
    }
    expect(isLuhnValid('79927398713')).toBe(true);
    expect(isLuhnValid('79927398710')).toBe(false);
  });
});

describe('ListPaymentsQueryDto', () => {
  it('defaults the page and refuses out-of-range values', () => {
    const dto = plainToInstance(ListPaymentsQueryDto, {});
    expect([dto.limit, dto.offset]).toEqual([20, 0]);
    expect(fails(ListPaymentsQueryDto, { limit: '0' })).toEqual(['limit']);
    expect(fails(ListPaymentsQueryDto, { limit: '101' })).toEqual(['limit']);
    expect(fails(ListPaymentsQueryDto, { order_id: 'x' })).toEqual(['order_id']);
    expect(fails(ListPaymentsQueryDto, { status: 'paid' })).toEqual(['status']);
    expect(fails(ListPaymentsQueryDto, { status: 'aprobado', order_id })).toEqual([]);
  });
});
