import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Cart } from '../../domain/entities/cart';
import { ProductNotFound } from '../../domain/errors/cart.errors';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';
import { ProductCatalog } from '../ports/product-catalog.port';

export interface AddCartItemCommand {
  cartId: string;
  actor: Actor;
  productId: string;
  quantity: number;
}

/**
 * The catalog is asked outside any transaction (no row lock is held across an HTTP call); the
 * change itself then runs on the locked cart, so concurrent adds of one product serialize and
 * each sees the other's quantity: none is lost, and the stock check covers their sum. When the
 * catalog cannot answer, the 503 leaves the cart untouched.
 */
@Injectable()
export class AddCartItemUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly carts: CartRepository,
    private readonly access: CartAccess,
    private readonly catalog: ProductCatalog,
  ) {}

  async execute(command: AddCartItemCommand): Promise<Cart> {
    (await this.access.find(command.cartId, command.actor)).assertModifiable();
    const product = await this.catalog.findProduct(command.productId);
    if (!product) throw new ProductNotFound(command.productId);
    return this.uow.run(async () => {
      const cart = await this.access.find(command.cartId, command.actor, { forUpdate: true });
      cart.addItem(product, command.quantity);
      await this.carts.save(cart);
      return cart;
    });
  }
}
