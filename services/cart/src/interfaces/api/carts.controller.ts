import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBadRequestResponse,
  ApiBody,
  ApiConflictResponse,
  ApiCreatedResponse,
  ApiNotFoundResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiServiceUnavailableResponse,
  ApiTags,
  ApiTooManyRequestsResponse,
  ApiUnprocessableEntityResponse,
} from '@nestjs/swagger';
import {
  AddCartItemDto,
  CartResponseDto,
  CheckoutDto,
  OrderResponseDto,
  ProblemDto,
  UpdateCartItemDto,
} from '@app/contracts';
import { Auth, AuthenticatedUser, CurrentUser, UuidParam } from '@app/platform';
import { AddCartItemUseCase } from '../../application/use-cases/add-cart-item.use-case';
import { ChangeCartItemQuantityUseCase } from '../../application/use-cases/change-cart-item-quantity.use-case';
import { CheckOutCartUseCase } from '../../application/use-cases/check-out-cart.use-case';
import { EmptyCartUseCase } from '../../application/use-cases/empty-cart.use-case';
import { GetCartUseCase } from '../../application/use-cases/get-cart.use-case';
import { OpenCartUseCase } from '../../application/use-cases/open-cart.use-case';
import { RemoveCartItemUseCase } from '../../application/use-cases/remove-cart-item.use-case';
import { CartPresenter } from './cart.presenter';

/** The part of a Fastify reply this controller touches (keeps fastify types out of the signature). */
interface StatusReply {
  status(code: number): unknown;
}

const CART_ID = {
  name: 'cart_id',
  format: 'uuid',
  example: '5b1c2d3e-4f50-4a6b-8c7d-9e0f1a2b3c4d',
};
const PRODUCT_ID = {
  name: 'product_id',
  format: 'uuid',
  example: '3f0e8a52-5c1e-4d7e-9a55-2b0f4f3b6c11',
};
const CART_NOT_FOUND = {
  type: ProblemDto,
  description: "No such cart, or another customer's (`cart-not-found`).",
};
const CART_LOCKED =
  '`cart-checked-out`: the cart became an order and is read-only. `checkout-pending`: a ' +
  'checkout whose outcome is unknown must be repeated (and so finished) first.';
const CATALOG_DOWN = {
  type: ProblemDto,
  description: 'The product service is unavailable (`upstream-unavailable`); nothing was changed.',
};

@ApiTags('carts')
@Auth()
@ApiBadRequestResponse({
  type: ProblemDto,
  description: 'Invalid input; `errors` names the fields.',
})
@ApiTooManyRequestsResponse({ type: ProblemDto, description: 'Rate limited (per IP).' })
@Controller('carts')
export class CartsController {
  constructor(
    private readonly openCart: OpenCartUseCase,
    private readonly getCart: GetCartUseCase,
    private readonly addItem: AddCartItemUseCase,
    private readonly changeQuantity: ChangeCartItemQuantityUseCase,
    private readonly removeItem: RemoveCartItemUseCase,
    private readonly emptyCart: EmptyCartUseCase,
    private readonly checkOut: CheckOutCartUseCase,
  ) {}

  @Post()
  @ApiOperation({
    summary: "The caller's active cart: created now (201) or the one they have (200)",
    description:
      'A user has at most one active cart (enforced by the database, also between concurrent ' +
      'calls). After a checkout the next call opens a new one.',
  })
  @ApiCreatedResponse({ type: CartResponseDto, description: 'A new, empty active cart.' })
  @ApiOkResponse({ type: CartResponseDto, description: 'The active cart the caller already had.' })
  async open(
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<CartResponseDto> {
    const { cart, created } = await this.openCart.execute(CartPresenter.toActor(user));
    reply.status(created ? 201 : 200);
    return CartPresenter.toResponse(cart);
  }

  @Get(':cart_id')
  @ApiOperation({ summary: 'A cart (its owner, or an admin)' })
  @ApiParam(CART_ID)
  @ApiOkResponse({ type: CartResponseDto })
  @ApiNotFoundResponse(CART_NOT_FOUND)
  async get(
    @UuidParam('cart_id') cartId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CartResponseDto> {
    return CartPresenter.toResponse(
      await this.getCart.execute(cartId, CartPresenter.toActor(user)),
    );
  }

  @Post(':cart_id/items')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Add units of a product (a product already in the cart gets them added)',
    description:
      'The product is looked up in the catalog: the line takes its current name and price, and ' +
      "the line's new quantity must not exceed the stock left. Concurrent adds of one product " +
      'all count.',
  })
  @ApiParam(CART_ID)
  @ApiOkResponse({ type: CartResponseDto, description: 'The cart after the change.' })
  @ApiNotFoundResponse({
    type: ProblemDto,
    description: 'No such cart (`cart-not-found`), or no such product (`product-not-found`).',
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      '`insufficient-stock` (`items: [{product_id, requested, available}]`), ' +
      '`cart-line-limit-exceeded` (a line holds at most 1,000), `cart-full` (100 products), ' +
      CART_LOCKED,
  })
  @ApiServiceUnavailableResponse(CATALOG_DOWN)
  async add(
    @UuidParam('cart_id') cartId: string,
    @Body() body: AddCartItemDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CartResponseDto> {
    const cart = await this.addItem.execute({
      cartId,
      actor: CartPresenter.toActor(user),
      productId: body.product_id,
      quantity: body.quantity,
    });
    return CartPresenter.toResponse(cart);
  }

  @Patch(':cart_id/items/:product_id')
  @ApiOperation({
    summary: "Set a line's quantity (checked against the stock left)",
    description: 'The line also takes the catalog’s current name and price.',
  })
  @ApiParam(CART_ID)
  @ApiParam(PRODUCT_ID)
  @ApiOkResponse({ type: CartResponseDto, description: 'The cart after the change.' })
  @ApiNotFoundResponse({
    type: ProblemDto,
    description:
      '`cart-not-found`, `cart-item-not-found` (the product is not in the cart) or ' +
      '`product-not-found` (no longer in the catalog).',
  })
  @ApiConflictResponse({ type: ProblemDto, description: `\`insufficient-stock\`. ${CART_LOCKED}` })
  @ApiServiceUnavailableResponse(CATALOG_DOWN)
  async change(
    @UuidParam('cart_id') cartId: string,
    @UuidParam('product_id') productId: string,
    @Body() body: UpdateCartItemDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CartResponseDto> {
    const cart = await this.changeQuantity.execute({
      cartId,
      actor: CartPresenter.toActor(user),
      productId,
      quantity: body.quantity,
    });
    return CartPresenter.toResponse(cart);
  }

  @Delete(':cart_id/items/:product_id')
  @HttpCode(200)
  @ApiOperation({ summary: 'Remove a product from the cart' })
  @ApiParam(CART_ID)
  @ApiParam(PRODUCT_ID)
  @ApiOkResponse({ type: CartResponseDto, description: 'The cart after the change.' })
  @ApiNotFoundResponse({
    type: ProblemDto,
    description: '`cart-not-found`, or `cart-item-not-found`.',
  })
  @ApiConflictResponse({ type: ProblemDto, description: CART_LOCKED })
  async remove(
    @UuidParam('cart_id') cartId: string,
    @UuidParam('product_id') productId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CartResponseDto> {
    const cart = await this.removeItem.execute(cartId, CartPresenter.toActor(user), productId);
    return CartPresenter.toResponse(cart);
  }

  @Delete(':cart_id/items')
  @HttpCode(200)
  @ApiOperation({ summary: 'Empty the cart' })
  @ApiParam(CART_ID)
  @ApiOkResponse({ type: CartResponseDto, description: 'The (now empty) cart.' })
  @ApiNotFoundResponse(CART_NOT_FOUND)
  @ApiConflictResponse({ type: ProblemDto, description: CART_LOCKED })
  async empty(
    @UuidParam('cart_id') cartId: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<CartResponseDto> {
    return CartPresenter.toResponse(
      await this.emptyCart.execute(cartId, CartPresenter.toActor(user)),
    );
  }

  @Post(':cart_id/checkout')
  @ApiOperation({
    summary: 'Turn the cart into an order (status creada, stock reserved); idempotent',
    description:
      'The order service prices every line from the catalog again (cart prices are only what ' +
      'was seen when adding) and reserves the stock. The cart becomes checked_out and names the ' +
      'order. Repeating the checkout answers the same order with 200, also when an earlier ' +
      'attempt created the order but its answer was lost. When the order service refuses ' +
      '(stock, unknown product) the cart stays active and editable; when it cannot be reached ' +
      '(503) the cart stays active but frozen until a repeated checkout settles it.',
  })
  @ApiParam(CART_ID)
  @ApiBody({ type: CheckoutDto, required: false })
  @ApiCreatedResponse({ type: OrderResponseDto, description: 'The order this checkout created.' })
  @ApiOkResponse({
    type: OrderResponseDto,
    description: 'The cart was already checked out (or this finished an earlier attempt).',
  })
  @ApiNotFoundResponse({
    type: ProblemDto,
    description: '`cart-not-found`, or `product-not-found` (a line left the catalog).',
  })
  @ApiConflictResponse({
    type: ProblemDto,
    description:
      '`insufficient-stock` (`items` lists the short lines; the cart stays active and ' +
      'editable), `checkout-pending` (repeat it with the same shipping address), ' +
      '`idempotency-key-in-flight` (the same checkout is still running).',
  })
  @ApiUnprocessableEntityResponse({
    type: ProblemDto,
    description: '`cart-empty`: nothing to order.',
  })
  @ApiServiceUnavailableResponse({
    type: ProblemDto,
    description:
      'The order (or product) service is unavailable; the cart stays active. Repeat the checkout.',
  })
  async checkout(
    @UuidParam('cart_id') cartId: string,
    @Body() body: CheckoutDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: StatusReply,
  ): Promise<OrderResponseDto> {
    const { order, created } = await this.checkOut.execute({
      cartId,
      actor: CartPresenter.toActor(user),
      shippingAddress: CartPresenter.toShippingAddress(body?.shipping_address),
    });
    reply.status(created ? 201 : 200);
    return CartPresenter.toOrderResponse(order);
  }
}
