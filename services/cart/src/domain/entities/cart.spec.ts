import { Money } from '@app/kernel';
import {
  CartCheckedOut,
  CartFull,
  CartItemNotFound,
  CheckoutPending,
  EmptyCart,
  InsufficientStock,
  InvalidCart,
  InvalidCartOwner,
  LineQuantityLimitExceeded,
} from '../errors/cart.errors';
import { CART_LINES_MAX, Cart, ProductSnapshot } from './cart';

const USER = '7d9f0e1a-2b3c-4d5e-8f60-718293a4b5c6';
const A = 'aaaaaaaa-0000-4000-8000-000000000000';
const B = 'bbbbbbbb-0000-4000-8000-000000000000';
const ORDER = '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10';

function product(id: string, price: string, stock = 100, name = `P ${id.slice(0, 4)}`) {
  return {
    productId: id,
    name,
    unitPrice: Money.fromDecimal(price),
    stockQuantity: stock,
  } satisfies ProductSnapshot;
}

describe('Cart', () => {
  let cart: Cart;
  beforeEach(() => {
    cart = Cart.open(USER, new Date('2025-01-01T00:00:00Z'));
  });

  it('opens empty and active, owned by a user id', () => {
    expect(cart.status).toBe('active');
    expect(cart.items).toEqual([]);
    expect(cart.total.cents).toBe(0);
    expect(cart.isOwnedBy(USER)).toBe(true);
    expect(cart.isOwnedBy(A)).toBe(false);
    expect(() => Cart.open('not-a-uuid')).toThrow(InvalidCartOwner);
    const shouting = Cart.open(USER.toUpperCase());
    expect(shouting.userId).toBe(USER);
    expect(shouting.isOwnedBy(USER.toUpperCase())).toBe(true);
  });

  it('sums in cents: 3 × 19.99 + 1 × 5.50 = 65.47', () => {
    cart.addItem(product(A, '19.99'), 3);
    cart.addItem(product(B, '5.50'), 1);
    expect(cart.items.map((l) => l.subtotal.toDecimalString())).toEqual(['59.97', '5.50']);
    expect(cart.total.cents).toBe(6547);
    expect(cart.total.toNumber()).toBe(65.47);
  });

  it('adds to the quantity of a product already in the cart, keeping its place', () => {
    const later = new Date('2025-01-02T00:00:00Z');
    cart.addItem(product(A, '1.00'), 2);
    cart.addItem(product(B, '1.00'), 1);
    cart.addItem(product(A, '1.25', 100, 'Renamed'), 3, later);
    expect(cart.items.map((l) => [l.productId, l.quantity])).toEqual([
      [A, 5],
      [B, 1],
    ]);
    // the line shows what the catalog said when it was last added
    expect(cart.line(A)).toMatchObject({ name: 'Renamed', unitPrice: Money.fromDecimal('1.25') });
    expect(cart.updatedAt).toEqual(later);
  });

  it('checks stock against the summed quantity', () => {
    cart.addItem(product(A, '1.00', 5), 3);
    const error = (() => {
      try {
        cart.addItem(product(A, '1.00', 5), 3);
      } catch (e) {
        return e;
      }
    })();
    expect(error).toBeInstanceOf(InsufficientStock);
    expect((error as InsufficientStock).details).toEqual({
      items: [{ product_id: A, requested: 6, available: 5 }],
    });
    expect(cart.line(A)?.quantity).toBe(3);
    cart.addItem(product(A, '1.00', 5), 2);
    expect(cart.line(A)?.quantity).toBe(5);
  });

  it('limits a line to 1000 units and a cart to 100 products', () => {
    cart.addItem(product(A, '1.00', 5000), 600);
    expect(() => cart.addItem(product(A, '1.00', 5000), 401)).toThrow(LineQuantityLimitExceeded);
    expect(() => cart.addItem(product(B, '1.00'), 0)).toThrow(InvalidCart);
    expect(() => cart.addItem(product(B, '1.00'), 1.5)).toThrow(InvalidCart);

    const full = Cart.open(USER);
    for (let i = 0; i < CART_LINES_MAX; i++) {
      const id = `cccccccc-0000-4000-8000-${String(i).padStart(12, '0')}`;
      full.addItem(product(id, '1.00'), 1);
    }
    expect(() => full.addItem(product(A, '1.00'), 1)).toThrow(CartFull);
  });

  it('sets, removes and empties lines', () => {
    cart.addItem(product(A, '2.00'), 1);
    cart.addItem(product(B, '3.00'), 1);
    cart.changeQuantity(product(A, '2.00', 10), 4);
    expect(cart.line(A)?.quantity).toBe(4);
    expect(() => cart.changeQuantity(product(A, '2.00', 3), 4)).toThrow(InsufficientStock);
    cart.removeItem(B);
    expect(cart.items.map((l) => l.productId)).toEqual([A]);
    expect(() => cart.removeItem(B)).toThrow(CartItemNotFound);
    expect(() => cart.changeQuantity(product(B, '3.00'), 1)).toThrow(CartItemNotFound);
    cart.empty();
    expect(cart.items).toEqual([]);
  });

  describe('checkout', () => {
    it('refuses an empty cart', () => {
      expect(() => cart.beginCheckout(null)).toThrow(EmptyCart);
      expect(cart.pendingCheckout).toBeNull();
    });

    it('numbers attempts, freezes the cart while one is pending, and repeats it', () => {
      cart.addItem(product(A, '19.99'), 3);
      const first = cart.beginCheckout(null);
      expect(first).toEqual({
        attempt: 1,
        repeated: false,
        lines: [{ productId: A, quantity: 3 }],
        shippingAddress: null,
      });
      expect(() => cart.addItem(product(B, '1.00'), 1)).toThrow(CheckoutPending);
      expect(() => cart.empty()).toThrow(CheckoutPending);
      expect(cart.beginCheckout(null)).toEqual({ ...first, repeated: true });
      const address = {
        street: 'Calle Mayor 1',
        city: 'Madrid',
        postalCode: '28013',
        country: 'ES',
      };
      expect(() => cart.beginCheckout(address)).toThrow(CheckoutPending);
    });

    it('after a refusal the cart is editable and the next attempt gets a new number', () => {
      cart.addItem(product(A, '19.99'), 3);
      cart.beginCheckout(null);
      expect(cart.abandonCheckout(2)).toBe(false);
      expect(cart.abandonCheckout(1)).toBe(true);
      cart.changeQuantity(product(A, '19.99'), 1);
      expect(cart.beginCheckout(null).attempt).toBe(2);
    });

    it('completes once, repriced as the order priced it, and is read-only afterwards', () => {
      cart.addItem(product(A, '19.99'), 3);
      cart.addItem(product(B, '5.50'), 1);
      cart.beginCheckout(null);
      const ordered = [
        { productId: A, name: 'A now', unitPrice: Money.fromDecimal('18.00') },
        { productId: B, name: 'B now', unitPrice: Money.fromDecimal('5.50') },
      ];
      expect(cart.completeCheckout(ORDER, ordered)).toBe(true);
      expect(cart.status).toBe('checked_out');
      expect(cart.orderId).toBe(ORDER);
      expect(cart.pendingCheckout).toBeNull();
      expect(cart.total.toDecimalString()).toBe('59.50');
      expect(cart.completeCheckout(ORDER, ordered)).toBe(false);
      expect(() => cart.addItem(product(B, '1.00'), 1)).toThrow(CartCheckedOut);
      expect(() => cart.removeItem(A)).toThrow(CartCheckedOut);
      expect(() => cart.empty()).toThrow(CartCheckedOut);
      expect(() => cart.beginCheckout(null)).toThrow(CartCheckedOut);
      expect(cart.abandonCheckout(1)).toBe(false);
    });
  });
});
