import { Money } from '@app/kernel';
import { InvalidProduct } from '../errors/product.errors';
import { Product, ProductDetails } from './product';

const details: ProductDetails = {
  name: '  Desk lamp ',
  description: '',
  price: Money.fromDecimal('19.99'),
  stockQuantity: 5,
  category: 'home',
};

function fieldOf(fn: () => unknown): string | undefined {
  try {
    fn();
  } catch (error) {
    if (error instanceof InvalidProduct) {
      return (error.details?.errors as { field: string }[])[0].field;
    }
    throw error;
  }
  return undefined;
}

describe('Product', () => {
  it('is created with a trimmed name, an id and equal timestamps', () => {
    const now = new Date('2025-01-01T00:00:00Z');
    const product = Product.create(details, now);
    expect(product.name).toBe('Desk lamp');
    expect(product.id).toMatch(/^[0-9a-f-]{36}$/);
    expect(product.price.cents).toBe(1999);
    expect(product.createdAt).toEqual(now);
    expect(product.updatedAt).toEqual(now);
  });

  it.each<[string, Partial<ProductDetails>]>([
    ['name', { name: '   ' }],
    ['name', { name: 'x'.repeat(201) }],
    ['description', { description: 'x'.repeat(5001) }],
    ['category', { category: '' }],
    ['price', { price: Money.ofCents(-1) }],
    ['price', { price: Money.ofCents(10_000_000_000) }],
    ['stock_quantity', { stockQuantity: -1 }],
    ['stock_quantity', { stockQuantity: 1.5 }],
    ['stock_quantity', { stockQuantity: 1_000_001 }],
  ])('refuses an invalid %s', (field, change) => {
    expect(fieldOf(() => Product.create({ ...details, ...change }))).toBe(field);
  });

  it('accepts the boundaries', () => {
    const product = Product.create({
      ...details,
      name: 'x'.repeat(200),
      price: Money.fromDecimal('99999999.99'),
      stockQuantity: 1_000_000,
    });
    expect(product.stockQuantity).toBe(1_000_000);
    expect(Product.create({ ...details, price: Money.zero(), stockQuantity: 0 }).price.cents).toBe(
      0,
    );
  });

  it('updates only the given fields and bumps updated_at', () => {
    const product = Product.create(details, new Date('2025-01-01T00:00:00Z'));
    const later = new Date('2025-01-02T00:00:00Z');
    product.update({ price: Money.fromDecimal(5), description: undefined }, later);
    expect(product.price.cents).toBe(500);
    expect(product.name).toBe('Desk lamp');
    expect(product.updatedAt).toEqual(later);
    expect(product.createdAt).toEqual(new Date('2025-01-01T00:00:00Z'));
  });

  it('validates updates and replacements too, leaving the product unchanged', () => {
    const product = Product.create(details);
    expect(fieldOf(() => product.update({ stockQuantity: -3 }))).toBe('stock_quantity');
    expect(fieldOf(() => product.replace({ ...details, name: '' }))).toBe('name');
    expect(product.stockQuantity).toBe(5);
    expect(product.name).toBe('Desk lamp');
  });
});
