import { Body, Controller, Delete, Get, HttpCode, Patch, Post, Res } from '@nestjs/common';
import {
  ApiBody,
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  AddCartItemDto,
  CartResponseDto,
  CheckoutDto,
  OrderResponseDto,
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
import { ApiProblem, CART_ID_EXAMPLE, EXAMPLES, PRODUCT_ID_EXAMPLE } from './problem-examples';

/** The part of a Fastify reply this controller touches (keeps fastify types out of the signature). */
interface StatusReply {
  status(code: number): unknown;
}

const CART_ID = { name: 'cart_id', format: 'uuid', example: CART_ID_EXAMPLE };
const PRODUCT_ID = { name: 'product_id', format: 'uuid', example: PRODUCT_ID_EXAMPLE };

const CART_NOT_FOUND = "No such cart, or another customer's (`cart-not-found`).";
const CART_LOCKED =
  '`cart-checked-out`: the cart became an order and is read-only. `checkout-pending`: a ' +
  'checkout whose outcome is unknown must be repeated (and so finished) first.';
const LOCKED_EXAMPLES = {
  checkedOut: EXAMPLES.checkedOut,
  checkoutPending: EXAMPLES.checkoutPending,
};
const CATALOG_DOWN =
  'The product service is unavailable (`upstream-unavailable`); nothing was changed.';

@ApiTags('carts')
@Auth()
@ApiProblem(400, 'Invalid input; `errors` names the fields.', {
  validation: EXAMPLES.validation,
  badId: EXAMPLES.badId,
})
@ApiProblem(429, 'Rate limited (per IP); `Retry-After` says when to retry.', {
  rateLimited: EXAMPLES.rateLimited,
})
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
  @ApiProblem(403, "The token's subject is not a user id (`invalid-cart-owner`).", {
    invalidOwner: EXAMPLES.invalidOwner,
  })
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
  @ApiProblem(404, CART_NOT_FOUND, { cartNotFound: EXAMPLES.cartNotFound })
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
  @ApiProblem(404, 'No such cart (`cart-not-found`), or no such product (`product-not-found`).', {
    cartNotFound: EXAMPLES.cartNotFound,
    productNotFound: EXAMPLES.productNotFound,
  })
  @ApiProblem(
    409,
    '`insufficient-stock` (`items: [{product_id, requested, available}]`), ' +
      '`cart-line-limit-exceeded` (a line holds at most 1,000), `cart-full` (100 products), ' +
      CART_LOCKED,
    {
      insufficientStock: EXAMPLES.insufficientStock,
      lineLimit: EXAMPLES.lineLimit,
      cartFull: EXAMPLES.cartFull,
      ...LOCKED_EXAMPLES,
    },
  )
  @ApiProblem(503, CATALOG_DOWN, { productDown: EXAMPLES.productDown })
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
  @ApiProblem(
    404,
    '`cart-not-found`, `cart-item-not-found` (the product is not in the cart) or ' +
      '`product-not-found` (no longer in the catalog).',
    {
      cartNotFound: EXAMPLES.cartNotFound,
      itemNotFound: EXAMPLES.itemNotFound,
      productNotFound: EXAMPLES.productNotFound,
    },
  )
  @ApiProblem(409, `\`insufficient-stock\`. ${CART_LOCKED}`, {
    insufficientStock: EXAMPLES.insufficientStock,
    ...LOCKED_EXAMPLES,
  })
  @ApiProblem(503, CATALOG_DOWN, { productDown: EXAMPLES.productDown })
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
  @ApiProblem(404, '`cart-not-found`, or `cart-item-not-found`.', {
    cartNotFound: EXAMPLES.cartNotFound,
    itemNotFound: EXAMPLES.itemNotFound,
  })
  @ApiProblem(409, CART_LOCKED, LOCKED_EXAMPLES)
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
  @ApiProblem(404, CART_NOT_FOUND, { cartNotFound: EXAMPLES.cartNotFound })
  @ApiProblem(409, CART_LOCKED, LOCKED_EXAMPLES)
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
    summary: 'Turn the cart into an order awaiting payment (stock reserved); idempotent',
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
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    badAddress: EXAMPLES.badAddress,
    badId: EXAMPLES.badId,
  })
  @ApiProblem(403, 'Only the cart’s owner checks it out (`checkout-owner-only`).', {
    ownerOnly: EXAMPLES.ownerOnly,
  })
  @ApiProblem(404, '`cart-not-found`, or `product-not-found` (a line left the catalog).', {
    cartNotFound: EXAMPLES.cartNotFound,
    productNotFound: EXAMPLES.productNotFound,
  })
  @ApiProblem(
    409,
    '`insufficient-stock` (`items` lists the short lines; the cart stays active and ' +
      'editable), `checkout-pending` (repeat it with the same shipping address), ' +
      '`idempotency-key-in-flight` (the same checkout is still running).',
    {
      insufficientStock: EXAMPLES.insufficientStock,
      checkoutPending: EXAMPLES.checkoutPending,
      inFlight: EXAMPLES.inFlight,
    },
  )
  @ApiProblem(422, '`cart-empty`: nothing to order.', { cartEmpty: EXAMPLES.cartEmpty })
  @ApiProblem(
    503,
    'The order (or product) service is unavailable; the cart stays active. Repeat the checkout.',
    { orderDown: EXAMPLES.orderDown },
  )
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
