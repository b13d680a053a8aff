import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateOrderDto,
  ListOrdersQueryDto,
  OrderEventDto,
  OrderPageDto,
  OrderResponseDto,
} from '@app/contracts';
import {
  Auth,
  AuthenticatedUser,
  CurrentUser,
  IdempotencyKey,
  UuidParam,
  requestHash,
} from '@app/platform';
import { Requester } from '../../application/dtos/requester';
import { CancelOrderUseCase } from '../../application/use-cases/cancel-order.use-case';
import { GetOrderEventsUseCase } from '../../application/use-cases/get-order-events.use-case';
import { GetOrderUseCase } from '../../application/use-cases/get-order.use-case';
import { ListOrdersUseCase } from '../../application/use-cases/list-orders.use-case';
import { PlaceOrderUseCase } from '../../application/use-cases/place-order.use-case';
import { OrderPresenter } from './order.presenter';
import { ApiProblem, EXAMPLES, ORDER_ID_EXAMPLE } from './problem-examples';

/** The part of a Fastify reply this controller touches (keeps fastify types out of the signature). */
interface Reply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

const ID_PARAM = { name: 'id', format: 'uuid', example: ORDER_ID_EXAMPLE };

function requesterOf(user: AuthenticatedUser): Requester {
  return { id: user.id, isAdmin: user.role === 'admin' };
}

@ApiTags('orders')
@Auth()
@ApiProblem(401, 'No token, or an invalid one.', { unauthorized: EXAMPLES.unauthorized })
@Controller('orders')
export class OrdersController {
  constructor(
    private readonly placeOrder: PlaceOrderUseCase,
    private readonly getOrder: GetOrderUseCase,
    private readonly listOrders: ListOrdersUseCase,
    private readonly getOrderEvents: GetOrderEventsUseCase,
    private readonly cancelOrder: CancelOrderUseCase,
  ) {}

  @Post()
  @ApiOperation({
    summary: 'Place an order: priced from the catalog, stock reserved before it is stored',
    description:
      'A customer may only order for their own `user_id` (403 otherwise); admin for anyone. ' +
      'Each line is priced at the current catalog price; a `price` sent by the client is ignored. ' +
      'All lines are reserved at the product service or none (409 lists the short lines), then ' +
      'the order is stored in status `creada`. With `Idempotency-Key`, the same key and body ' +
      'replay the first answer (`Idempotent-Replayed: true`).',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 255 printable ASCII characters, scoped to the caller, kept 24 hours. Same key and ' +
      'body: the first answer replayed (201 order, or its 404/409/422 problem). Other body: 422. ' +
      'While the first request runs: 409. A 5xx/503 is not kept, so a retry runs again.',
  })
  @ApiCreatedResponse({
    type: OrderResponseDto,
    description: 'Placed (or replayed: header `Idempotent-Replayed: true`).',
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this is the stored answer of an earlier request with this key',
        schema: { type: 'string', example: 'true' },
      },
    },
  })
  @ApiProblem(400, 'Invalid body or Idempotency-Key; `errors` names the fields.', {
    validation: EXAMPLES.validation,
  })
  @ApiProblem(403, 'A customer ordering for another user_id.', {
    forAnotherUser: EXAMPLES.forAnotherUser,
  })
  @ApiProblem(404, 'Unknown products (`product_ids` lists them); nothing is reserved or stored.', {
    productNotFound: EXAMPLES.productNotFound,
  })
  @ApiProblem(409, 'Not enough stock (nothing kept), or the same key still in flight.', {
    insufficientStock: EXAMPLES.insufficientStock,
    inFlight: EXAMPLES.inFlight,
  })
  @ApiProblem(422, 'Idempotency-Key reused with another body, or a total above 99,999,999.99.', {
    keyReused: EXAMPLES.keyReused,
    totalTooLarge: EXAMPLES.totalTooLarge,
  })
  @ApiProblem(503, 'The product service is unavailable; nothing is stored.', {
    productDown: EXAMPLES.productDown,
  })
  async create(
    @Body() body: CreateOrderDto,
    @CurrentUser() user: AuthenticatedUser,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<unknown> {
    const result = await this.placeOrder.execute({
      requester: requesterOf(user),
      userId: body.user_id.toLowerCase(),
      items: OrderPresenter.toItems(body),
      shippingAddress: OrderPresenter.toAddress(body.shipping_address),
      idempotency: key === undefined ? undefined : { key, requestHash: requestHash(body) },
      present: (order) => OrderPresenter.toResponse(order),
    });
    if (result.kind === 'replayed') {
      reply.status(result.status);
      reply.header('idempotent-replayed', 'true');
      return result.body;
    }
    reply.status(201);
    return OrderPresenter.toResponse(result.order);
  }

  @Get()
  @ApiOperation({
    summary: 'List orders: a customer their own, admin all (filters user_id, status)',
    description:
      'Newest first, ties by id, so pages are stable. For a customer, `user_id` other than ' +
      'their own matches nothing.',
  })
  @ApiOkResponse({ type: OrderPageDto })
  @ApiProblem(400, 'Invalid query (limit 1-100, offset >= 0, status, user_id).', {
    validation: problemFor('/api/v1/orders?limit=0', 'limit', 'limit must not be less than 1'),
  })
  async list(
    @Query() query: ListOrdersQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderPageDto> {
    const page = await this.listOrders.execute({
      requester: requesterOf(user),
      userId: query.user_id?.toLowerCase(),
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return OrderPresenter.toPage(page, query.limit, query.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One order (owner or admin; another customer’s order is 404)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such order, or not yours.', { orderNotFound: EXAMPLES.orderNotFound })
  async get(
    @UuidParam('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderResponseDto> {
    return OrderPresenter.toResponse(await this.getOrder.execute(id, requesterOf(user)));
  }

  @Get(':id/events')
  @ApiOperation({
    summary: 'The order’s append-only history, oldest first (owner or admin)',
    description:
      'Each event: type (created, validated, paid, shipped, delivered, cancelled, refunded), ' +
      'the status after it, its cause and time. The status is the fold of these events.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: [OrderEventDto] })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such order, or not yours.', { orderNotFound: EXAMPLES.orderNotFound })
  async events(
    @UuidParam('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderEventDto[]> {
    const events = await this.getOrderEvents.execute(id, requesterOf(user));
    return events.map((event) => OrderPresenter.toEvent(event));
  }

  @Post(':id/cancel')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Cancel an order in status creada or pagada (owner or admin)',
    description:
      'From `creada` the order is cancelled at once. From `pagada` the delivery service is ' +
      'asked first to stop the goods (it decides whether they left): stopped (a pending ' +
      'delivery is cancelled, or none will be opened) → cancelled; already on their way or ' +
      'delivered → 409 `illegal-transition` with `reason: shipped`, the order unchanged (it ' +
      'becomes `enviada` as the delivery reports it); delivery unreachable → 503, the order ' +
      'unchanged for now: retrying is safe and gives the definite answer, and the cancel is ' +
      'finished by the service itself once delivery answers. Cancelled: 200 with the order, ' +
      'and, in the same transaction, what follows is queued for the other services and ' +
      'delivered with retries until each acknowledges: the reserved stock goes back to the ' +
      'catalog and an approved payment is refunded (the `refunded` event appears in the ' +
      'history when payment reports it). Other statuses (also a second cancel): 409 ' +
      '`illegal-transition`.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: OrderResponseDto, description: 'Cancelled.' })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such order, or not yours.', { orderNotFound: EXAMPLES.orderNotFound })
  @ApiProblem(
    409,
    'The order cannot be cancelled in its status, or (paid) its goods have already left.',
    {
      illegalTransition: EXAMPLES.illegalTransition,
      goodsLeft: EXAMPLES.goodsLeft,
    },
  )
  @ApiProblem(503, 'A paid order: the delivery service could not be asked; nothing changed yet.', {
    deliveryDown: EXAMPLES.deliveryDown,
  })
  async cancel(
    @UuidParam('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<OrderResponseDto> {
    return OrderPresenter.toResponse(await this.cancelOrder.execute(id, requesterOf(user)));
  }
}

function problemFor(instance: string, field: string, message: string): Record<string, unknown> {
  return { ...EXAMPLES.validation, instance, errors: [{ field, message }] };
}
