import { Body, Controller, Get, HttpCode, Patch, Post, Query, Res } from '@nestjs/common';
import {
  ApiCreatedResponse,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  CreateDeliveryDto,
  DeliveryPageDto,
  DeliveryResponseDto,
  ListDeliveriesQueryDto,
  UpdateDeliveryStatusDto,
} from '@app/contracts';
import { Auth, AuthenticatedUser, CurrentUser, UuidParam } from '@app/platform';
import { Requester } from '../../application/dtos/requester';
import { ChangeDeliveryStatusUseCase } from '../../application/use-cases/change-delivery-status.use-case';
import { GetDeliveryUseCase } from '../../application/use-cases/get-delivery.use-case';
import { ListDeliveriesUseCase } from '../../application/use-cases/list-deliveries.use-case';
import { RequestDeliveryUseCase } from '../../application/use-cases/request-delivery.use-case';
import { DeliveryPresenter } from './delivery.presenter';
import { ApiProblem, DELIVERY_ID_EXAMPLE, EXAMPLES } from './problem-examples';

/** The part of a Fastify reply this controller touches. */
interface Reply {
  status(code: number): unknown;
}

const ID_PARAM = { name: 'id', format: 'uuid', example: DELIVERY_ID_EXAMPLE };

function requesterOf(user: AuthenticatedUser): Requester {
  return { id: user.id.toLowerCase(), isAdmin: user.role === 'admin' };
}

const UNAUTHORIZED = { unauthorized: EXAMPLES.unauthorized };

@ApiTags('deliveries')
@Controller('deliveries')
export class DeliveriesController {
  constructor(
    private readonly requestDelivery: RequestDeliveryUseCase,
    private readonly getDelivery: GetDeliveryUseCase,
    private readonly listDeliveries: ListDeliveriesUseCase,
    private readonly changeStatus: ChangeDeliveryStatusUseCase,
  ) {}

  @Post()
  @Auth()
  @ApiOperation({
    summary: 'Ask for the delivery of a paid order (its owner or admin); idempotent per order',
    description:
      'The order is read from the order service with your token: an order that does not exist ' +
      'or is not yours is 404. If the order already has a delivery (opened when it was paid, or ' +
      'by an earlier request) it is returned as it is, 200, whatever address is sent. Otherwise ' +
      "the order must be paid and not cancelled, as the order service's events told this " +
      'service (422 `order-not-paid`; an order paid a moment ago may take a second to be ' +
      'known), and a `pendiente` delivery is opened ' +
      'with a tracking number, the configured carrier and an estimated delivery date: 201.',
  })
  @ApiCreatedResponse({ type: DeliveryResponseDto, description: 'Opened.' })
  @ApiOkResponse({ type: DeliveryResponseDto, description: 'The order already had this delivery.' })
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', { validation: EXAMPLES.validation })
  @ApiProblem(401, 'No token, or an invalid one.', UNAUTHORIZED)
  @ApiProblem(404, 'No such order, or not yours.', { orderNotFound: EXAMPLES.orderNotFound })
  @ApiProblem(422, 'The order is not known to be paid, or was cancelled, and has no delivery.', {
    orderNotPaid: EXAMPLES.orderNotPaid,
  })
  @ApiProblem(503, 'The order service is unavailable; nothing was created.', {
    orderDown: EXAMPLES.orderDown,
  })
  async create(
    @Body() body: CreateDeliveryDto,
    @CurrentUser() user: AuthenticatedUser,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<DeliveryResponseDto> {
    const result = await this.requestDelivery.execute({
      requester: requesterOf(user),
      userToken: user.token,
      orderId: body.order_id.toLowerCase(),
      address: DeliveryPresenter.toAddress(body.address),
    });
    reply.status(result.created ? 201 : 200);
    return DeliveryPresenter.toResponse(result.delivery);
  }

  @Get()
  @Auth()
  @ApiOperation({
    summary: 'List deliveries: a customer their own, admin all (filters order_id, status)',
    description:
      'Newest first, ties by id, so pages are stable. For a customer, an `order_id` that is ' +
      'not theirs matches nothing (an empty page).',
  })
  @ApiOkResponse({ type: DeliveryPageDto })
  @ApiProblem(400, 'Invalid query (limit 1-100, offset >= 0, order_id, status).', {
    validation: EXAMPLES.badQuery,
  })
  @ApiProblem(401, 'No token, or an invalid one.', UNAUTHORIZED)
  async list(
    @Query() query: ListDeliveriesQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DeliveryPageDto> {
    const page = await this.listDeliveries.execute({
      requester: requesterOf(user),
      orderId: query.order_id?.toLowerCase(),
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return DeliveryPresenter.toPage(page, query.limit, query.offset);
  }

  @Get(':id')
  @Auth()
  @ApiOperation({ summary: 'One delivery (owner or admin; another customer’s delivery is 404)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DeliveryResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(401, 'No token, or an invalid one.', UNAUTHORIZED)
  @ApiProblem(404, 'No such delivery, or not yours.', {
    deliveryNotFound: EXAMPLES.deliveryNotFound,
  })
  async get(
    @UuidParam('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<DeliveryResponseDto> {
    return DeliveryPresenter.toResponse(
      await this.getDelivery.execute(id.toLowerCase(), requesterOf(user)),
    );
  }

  @Patch(':id/status')
  @HttpCode(200)
  @Auth('admin')
  @ApiOperation({
    summary: 'Move a delivery along (admin): pendiente → en_transito → entregada, or → cancelada',
    description:
      'Allowed: pendiente → en_transito, en_transito → entregada, pendiente → cancelada. ' +
      'Anything else, the current status included, is 409 `illegal-transition` (so a repeated ' +
      'request says where the delivery is). Each move publishes its event (`delivery.in_transit`, ' +
      '`delivery.delivered`, `delivery.cancelled`), stored with the change and delivered to its ' +
      'subscribers with retries, so this answers 200 even while they are down (the order ' +
      'follows: shipped, delivered). Cancelling a delivery does not cancel the order. The write ' +
      'is conditional on the status the delivery was read in, so `en_transito` and a paid ' +
      "order's cancel (which stops a `pendiente` delivery first) never both happen: whichever " +
      'commits first wins, the other gets 409.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: DeliveryResponseDto, description: 'The delivery after the move.' })
  @ApiProblem(400, 'Invalid body or id.', { badStatus: EXAMPLES.badStatus, badId: EXAMPLES.badId })
  @ApiProblem(401, 'No token, or an invalid one.', UNAUTHORIZED)
  @ApiProblem(403, 'Not an admin.', { forbidden: EXAMPLES.forbidden })
  @ApiProblem(404, 'No such delivery.', { deliveryNotFound: EXAMPLES.deliveryNotFound })
  @ApiProblem(
    409,
    'A move the transition table does not allow (also when the order was cancelled first and ' +
      'its delivery stopped).',
    {
      illegalTransition: EXAMPLES.illegalTransition,
      stoppedByOrderCancel: EXAMPLES.movedMeanwhile,
    },
  )
  async updateStatus(
    @UuidParam('id') id: string,
    @Body() body: UpdateDeliveryStatusDto,
  ): Promise<DeliveryResponseDto> {
    const delivery = await this.changeStatus.execute({
      deliveryId: id.toLowerCase(),
      target: body.status,
    });
    return DeliveryPresenter.toResponse(delivery);
  }
}
