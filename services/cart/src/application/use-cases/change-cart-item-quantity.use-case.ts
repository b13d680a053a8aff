import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Cart } from '../../domain/entities/cart';
import { CartItemNotFound, ProductNotFound } from '../../domain/errors/cart.errors';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';
import { ProductCatalog } from '../ports/product-catalog.port';

export interface ChangeCartItemQuantityCommand {
  cartId: string;
  actor: Actor;
  productId: string;
  quantity: number;
}

/** Sets a line's quantity, checked against the catalog's stock (as AddCartItemUseCase). */
@Injectable()
export class ChangeCartItemQuantityUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly carts: CartRepository,
    private readonly access: CartAccess,
    private readonly catalog: ProductCatalog,
  ) {}

  async execute(command: ChangeCartItemQuantityCommand): Promise<Cart> {
    const current = await this.access.find(command.cartId, command.actor);
    current.assertModifiable();
    if (!current.line(command.productId)) throw new CartItemNotFound(command.productId);
    const product = await this.catalog.findProduct(command.productId);
    if (!product) throw new ProductNotFound(command.productId);
    return this.uow.run(async () => {
      const cart = await this.access.find(command.cartId, command.actor, { forUpdate: true });
      cart.changeQuantity(product, command.quantity);
      await this.carts.save(cart);
      return cart;
    });
  }
}
