import { Money } from '@app/kernel';
import { OrderToValidate } from '../entities/order-to-validate';
import { checkOrder, OrderFacts } from './order-rules';

const LAMP = '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11';
const BOOK = '7c4d2e1f-9a8b-4c6d-8e5f-0a1b2c3d4e5f';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';
const USER = '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f';

const money = (value: number) => Money.fromDecimal(value);

/** 3 × 19.99 + 1 × 5.50 = 65.47, awaiting payment, both products in the catalog at those prices. */
function facts(
  patch: Omit<Partial<OrderFacts>, 'order'> & { order?: Partial<OrderToValidate> } = {},
): OrderFacts {
  const order: OrderToValidate = {
    id: ORDER,
    userId: USER,
    status: 'open',
    awaitingPayment: true,
    lines: [
      { productId: LAMP, quantity: 3, unitPrice: money(19.99) },
      { productId: BOOK, quantity: 1, unitPrice: money(5.5) },
    ],
    total: money(65.47),
    ...patch.order,
  };
  return {
    userExists: true,
    catalogPrices: new Map([
      [LAMP, money(19.99)],
      [BOOK, money(5.5)],
    ]),
    ...patch,
    order,
  };
}

const codes = (f: OrderFacts) => checkOrder(f).map((i) => [i.code, i.productId]);

describe('checkOrder', () => {
  it('finds nothing wrong with a consistent order (65.47 exactly, in cents)', () => {
    expect(checkOrder(facts())).toEqual([]);
  });

  it.each(['paid', 'shipped', 'delivered', 'cancelled'])('order_not_creada for %s', (status) => {
    const issues = checkOrder(facts({ order: { status, awaitingPayment: false } }));
    expect(issues).toEqual([
      { code: 'order_not_creada', message: expect.stringContaining(`is ${status};`) },
    ]);
  });

  it('user_not_found when the user does not exist', () => {
    const issues = checkOrder(facts({ userExists: false }));
    expect(issues).toEqual([{ code: 'user_not_found', message: expect.stringContaining(USER) }]);
  });

  it('product_not_found per missing product, and no price check for it', () => {
    expect(codes(facts({ catalogPrices: new Map([[LAMP, money(19.99)]]) }))).toEqual([
      ['product_not_found', BOOK],
    ]);
  });

  it('price_mismatch per line whose price differs from the catalog', () => {
    const issues = checkOrder(
      facts({
        catalogPrices: new Map([
          [LAMP, money(21.5)],
          [BOOK, money(5.5)],
        ]),
      }),
    );
    expect(issues).toEqual([
      {
        code: 'price_mismatch',
        productId: LAMP,
        message: `Product ${LAMP} costs 21.50 in the catalog, the order says 19.99`,
      },
    ]);
  });

  it('compares prices to the cent, not as floats (0.1 + 0.2 style sums do not matter)', () => {
    const order = {
      lines: [{ productId: LAMP, quantity: 3, unitPrice: money(0.1) }],
      total: money(0.3),
    };
    expect(checkOrder(facts({ order, catalogPrices: new Map([[LAMP, money(0.1)]]) }))).toEqual([]);
  });

  it('total_mismatch when the total is not Σ price × quantity (one cent off)', () => {
    const issues = checkOrder(facts({ order: { total: money(65.48) } }));
    expect(issues).toEqual([
      {
        code: 'total_mismatch',
        message: `Order ${ORDER} has total 65.48, its lines add up to 65.47`,
      },
    ]);
  });

  it.each([0, -1, 1001, 2.5])('invalid_quantity for %p', (quantity) => {
    const lines = [
      { productId: LAMP, quantity, unitPrice: money(19.99) },
      { productId: BOOK, quantity: 1, unitPrice: money(5.5) },
    ];
    const found = codes(facts({ order: { lines } }));
    expect(found[0]).toEqual(['invalid_quantity', LAMP]);
    // an integer quantity still sums exactly (and 65.47 is then wrong); 2.5 has no exact sum
    expect(found.slice(1)).toEqual(
      Number.isInteger(quantity) ? [['total_mismatch', undefined]] : [],
    );
  });

  it('invalid_quantity alone when the total agrees with the (bad) lines', () => {
    const lines = [{ productId: LAMP, quantity: 0, unitPrice: money(19.99) }];
    expect(codes(facts({ order: { lines, total: money(0) } }))).toEqual([
      ['invalid_quantity', LAMP],
    ]);
  });

  it('order_empty for an order without lines', () => {
    expect(codes(facts({ order: { lines: [], total: money(0) } }))).toEqual([
      ['order_empty', undefined],
    ]);
  });

  it('reports every failure, in a stable order', () => {
    const issues = checkOrder(
      facts({
        order: {
          status: 'cancelled',
          awaitingPayment: false,
          lines: [
            { productId: LAMP, quantity: 0, unitPrice: money(19.99) },
            { productId: BOOK, quantity: 1, unitPrice: money(5.5) },
          ],
          total: money(1),
        },
        userExists: false,
        catalogPrices: new Map([[LAMP, money(20)]]),
      }),
    );
    expect(issues.map((i) => [i.code, i.productId])).toEqual([
      ['order_not_creada', undefined],
      ['user_not_found', undefined],
      ['invalid_quantity', LAMP],
      ['price_mismatch', LAMP],
      ['product_not_found', BOOK],
      ['total_mismatch', undefined],
    ]);
  });
});
