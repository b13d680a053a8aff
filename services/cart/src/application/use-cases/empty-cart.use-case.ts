import { Injectable } from '@nestjs/common';
import { UnitOfWork } from '@app/kernel';
import { Cart } from '../../domain/entities/cart';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';

@Injectable()
export class EmptyCartUseCase {
  constructor(
    private readonly uow: UnitOfWork,
    private readonly carts: CartRepository,
    private readonly access: CartAccess,
  ) {}

  execute(cartId: string, actor: Actor): Promise<Cart> {
    return this.uow.run(async () => {
      const cart = await this.access.find(cartId, actor, { forUpdate: true });
      cart.empty();
      await this.carts.save(cart);
      return cart;
    });
  }
}
