import { Injectable } from '@nestjs/common';
import { Cart } from '../domain/entities/cart';
import { CartNotFound } from '../domain/errors/cart.errors';
import { CartRepository } from '../domain/repositories/cart.repository';
import { Actor } from './dtos/actor';

/** The one rule for reaching a cart: its owner or an admin; anyone else gets 404, not 403. */
@Injectable()
export class CartAccess {
  constructor(private readonly carts: CartRepository) {}

  async find(cartId: string, actor: Actor, options?: { forUpdate?: boolean }): Promise<Cart> {
    const cart = await this.carts.findById(cartId, options);
    if (!cart || !(actor.isAdmin || cart.isOwnedBy(actor.userId))) throw new CartNotFound(cartId);
    return cart;
  }
}
