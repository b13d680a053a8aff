import { Injectable } from '@nestjs/common';
import { Cart } from '../../domain/entities/cart';
import { CartRepository } from '../../domain/repositories/cart.repository';
import { Actor } from '../dtos/actor';

export interface OpenCartResult {
  cart: Cart;
  /** false when the caller's active cart already existed */
  created: boolean;
}

/**
 * The caller's active cart, created when there is none. The partial unique index on
 * (user_id) WHERE status = 'active' decides between concurrent calls: the loser reads the
 * winner's cart; when it cannot read it yet (committed after its statement began), it asks again.
 */
@Injectable()
export class OpenCartUseCase {
  constructor(private readonly carts: CartRepository) {}

  async execute(actor: Actor): Promise<OpenCartResult> {
    // Opened first: it checks that the subject is a user id before any query uses it.
    const cart = Cart.open(actor.userId);
    for (let attempt = 0; attempt < 5; attempt++) {
      const opened = await this.carts.openActive(cart);
      if (opened) return opened;
    }
    throw new Error('no active cart could be opened or found after 5 attempts');
  }
}
