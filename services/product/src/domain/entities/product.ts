import { randomUUID } from 'node:crypto';
import { Money } from '@app/kernel';
import { InvalidProduct } from '../errors/product.errors';

export const NAME_MAX = 200;
export const DESCRIPTION_MAX = 5000;
export const CATEGORY_MAX = 100;
export const STOCK_MAX = 1_000_000;
/** The documented maximum price, 99,999,999.99, in cents (numeric(12,2) itself holds more). */
export const PRICE_MAX_CENTS = 9_999_999_999;

export interface ProductDetails {
  name: string;
  description: string;
  price: Money;
  stockQuantity: number;
  category: string;
}

export interface ProductState extends ProductDetails {
  id: string;
  createdAt: Date;
  updatedAt: Date;
}

/**
 * The catalog item. Stock is the number of units left to sell; reservations change it in the
 * database with a conditional UPDATE (see TypeormProductRepository), never through this object.
 */
export class Product {
  private constructor(private state: ProductState) {}

  static create(details: ProductDetails, now = new Date(), id: string = randomUUID()): Product {
    return new Product({ ...Product.validated(details), id, createdAt: now, updatedAt: now });
  }

  /** Rebuild from storage: the data was valid when written, so no re-validation. */
  static restore(state: ProductState): Product {
    return new Product({ ...state });
  }

  get id(): string {
    return this.state.id;
  }
  get name(): string {
    return this.state.name;
  }
  get description(): string {
    return this.state.description;
  }
  get price(): Money {
    return this.state.price;
  }
  get stockQuantity(): number {
    return this.state.stockQuantity;
  }
  get category(): string {
    return this.state.category;
  }
  get createdAt(): Date {
    return this.state.createdAt;
  }
  get updatedAt(): Date {
    return this.state.updatedAt;
  }

  /** PUT: every field replaced. */
  replace(details: ProductDetails, now = new Date()): void {
    this.state = { ...this.state, ...Product.validated(details), updatedAt: now };
  }

  /** PATCH: only the given fields change. */
  update(changes: Partial<ProductDetails>, now = new Date()): void {
    const defined = Object.fromEntries(
      Object.entries(changes).filter(([, value]) => value !== undefined),
    ) as Partial<ProductDetails>;
    this.replace({ ...this.details(), ...defined }, now);
  }

  details(): ProductDetails {
    const { name, description, price, stockQuantity, category } = this.state;
    return { name, description, price, stockQuantity, category };
  }

  private static validated(details: ProductDetails): ProductDetails {
    const name = details.name.trim();
    const category = details.category.trim();
    if (name.length === 0 || name.length > NAME_MAX) {
      throw new InvalidProduct('name', `name must be 1 to ${NAME_MAX} characters`);
    }
    if (details.description.length > DESCRIPTION_MAX) {
      throw new InvalidProduct(
        'description',
        `description must be at most ${DESCRIPTION_MAX} characters`,
      );
    }
    if (category.length === 0 || category.length > CATEGORY_MAX) {
      throw new InvalidProduct('category', `category must be 1 to ${CATEGORY_MAX} characters`);
    }
    if (details.price.isNegative() || details.price.cents > PRICE_MAX_CENTS) {
      throw new InvalidProduct('price', 'price must be between 0 and 99999999.99');
    }
    const stock = details.stockQuantity;
    if (!Number.isInteger(stock) || stock < 0 || stock > STOCK_MAX) {
      throw new InvalidProduct(
        'stock_quantity',
        `stock_quantity must be an integer from 0 to ${STOCK_MAX}`,
      );
    }
    return { ...details, name, category };
  }
}
