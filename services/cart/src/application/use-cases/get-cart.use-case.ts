import { Injectable } from '@nestjs/common';
import { Cart } from '../../domain/entities/cart';
import { CartAccess } from '../cart-access';
import { Actor } from '../dtos/actor';

@Injectable()
export class GetCartUseCase {
  constructor(private readonly access: CartAccess) {}

  execute(cartId: string, actor: Actor): Promise<Cart> {
    return this.access.find(cartId, actor);
  }
}
