import { Money } from '@app/kernel';
import { InvalidCart } from '../errors/cart.errors';

export const LINE_NAME_MAX = 200;

/** One product in a cart: immutable, so a cart's lines change only through the Cart. */
export class CartLine {
  private constructor(
    readonly productId: string,
    readonly name: string,
    readonly unitPrice: Money,
    readonly quantity: number,
    /** when the product first entered the cart: the lines' order */
    readonly addedAt: Date,
  ) {}

  static create(
    productId: string,
    name: string,
    unitPrice: Money,
    quantity: number,
    addedAt: Date,
  ): CartLine {
    CartLine.assertCatalog(name, unitPrice);
    return new CartLine(productId, name, unitPrice, quantity, addedAt);
  }

  static restore(state: {
    productId: string;
    name: string;
    unitPrice: Money;
    quantity: number;
    addedAt: Date;
  }): CartLine {
    return new CartLine(
      state.productId,
      state.name,
      state.unitPrice,
      state.quantity,
      state.addedAt,
    );
  }

  get subtotal(): Money {
    return this.unitPrice.multiply(this.quantity);
  }

  withQuantity(quantity: number): CartLine {
    return new CartLine(this.productId, this.name, this.unitPrice, quantity, this.addedAt);
  }

  withCatalog(name: string, unitPrice: Money): CartLine {
    CartLine.assertCatalog(name, unitPrice);
    return new CartLine(this.productId, name, unitPrice, this.quantity, this.addedAt);
  }

  private static assertCatalog(name: string, unitPrice: Money): void {
    if (name.length === 0 || name.length > LINE_NAME_MAX) {
      throw new InvalidCart('name', `name must be 1 to ${LINE_NAME_MAX} characters`);
    }
    if (unitPrice.isNegative()) throw new InvalidCart('unit_price', 'unit_price must be >= 0');
  }
}
