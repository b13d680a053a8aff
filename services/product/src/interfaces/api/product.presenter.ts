import { Money } from '@app/kernel';
import {
  CreateProductDto,
  ProductPageDto,
  ProductResponseDto,
  StockReservationDto,
  UpdateProductDto,
  encodeProductCursor,
} from '@app/contracts';
import { Product, ProductDetails } from '../../domain/entities/product';
import { StockReservation } from '../../domain/entities/stock-reservation';
import { CatalogEntry, ProductPage } from '../../domain/repositories/product.repository';

/** Wire ↔ domain for the product API. Responses list their fields explicitly (a whitelist). */
export const ProductPresenter = {
  toDetails(dto: CreateProductDto): ProductDetails {
    return {
      name: dto.name,
      description: dto.description ?? '',
      price: Money.fromDecimal(dto.price),
      stockQuantity: dto.stock_quantity,
      category: dto.category,
    };
  },

  toChanges(dto: UpdateProductDto): Partial<ProductDetails> {
    return {
      name: dto.name,
      description: dto.description,
      price: dto.price === undefined ? undefined : Money.fromDecimal(dto.price),
      stockQuantity: dto.stock_quantity,
      category: dto.category,
    };
  },

  toResponse(product: Product): ProductResponseDto {
    return {
      id: product.id,
      name: product.name,
      description: product.description,
      price: product.price.toNumber(),
      stock_quantity: product.stockQuantity,
      category: product.category,
      created_at: product.createdAt.toISOString(),
      updated_at: product.updatedAt.toISOString(),
    };
  },

  /** By cursor (`offset` undefined): no total and no offset. */
  toPage(page: ProductPage, limit: number, offset: number | undefined): ProductPageDto {
    const items = page.items.map((product) => ProductPresenter.toResponse(product));
    const next_cursor = page.next && encodeProductCursor(page.next);
    if (offset === undefined) return { items, limit, next_cursor };
    return {
      items,
      total: page.total,
      total_is_estimate: page.totalIsEstimate ?? false,
      limit,
      offset,
      next_cursor,
    };
  },

  /** With `catalog`, each line carries the product's name and price (a reservation's answer). */
  toReservation(
    reservation: StockReservation,
    catalog?: Map<string, CatalogEntry>,
  ): StockReservationDto {
    return {
      order_id: reservation.orderId,
      status: reservation.status,
      items: reservation.items.map((item) => {
        const entry = catalog?.get(item.productId);
        const line = { product_id: item.productId, quantity: item.quantity };
        return entry ? { ...line, name: entry.name, price: entry.price.toNumber() } : line;
      }),
      created_at: reservation.createdAt.toISOString(),
      released_at: reservation.releasedAt?.toISOString() ?? null,
    };
  },
};
