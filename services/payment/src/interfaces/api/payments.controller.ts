import { Body, Controller, Get, HttpCode, Post, Query, Res } from '@nestjs/common';
import {
  ApiAcceptedResponse,
  ApiCreatedResponse,
  ApiHeader,
  ApiOkResponse,
  ApiOperation,
  ApiParam,
  ApiTags,
} from '@nestjs/swagger';
import {
  ListPaymentsQueryDto,
  PaymentPageDto,
  PaymentResponseDto,
  ProcessPaymentDto,
} from '@app/contracts';
import { Money } from '@app/kernel';
import {
  ApiProblem,
  Auth,
  AuthenticatedUser,
  CurrentUser,
  IdempotencyKey,
  UuidParam,
  requestHash,
} from '@app/platform';
import { Requester } from '../../application/dtos/requester';
import { GetPaymentUseCase } from '../../application/use-cases/get-payment.use-case';
import { ListPaymentsUseCase } from '../../application/use-cases/list-payments.use-case';
import { ProcessPaymentUseCase } from '../../application/use-cases/process-payment.use-case';
import { RefundPaymentUseCase } from '../../application/use-cases/refund-payment.use-case';
import { PaymentPresenter } from './payment.presenter';
import { EXAMPLES, PAYMENT_ID_EXAMPLE } from './problem-examples';

/** The part of a Fastify reply this controller touches (keeps fastify types out of the signature). */
interface Reply {
  status(code: number): unknown;
  header(name: string, value: string): unknown;
}

const ID_PARAM = { name: 'id', format: 'uuid', example: PAYMENT_ID_EXAMPLE };

function requesterOf(user: AuthenticatedUser): Requester {
  return { id: user.id, isAdmin: user.role === 'admin' };
}

@ApiTags('payments')
@Auth()
@ApiProblem(401, 'No token, or an invalid one.', { unauthorized: EXAMPLES.unauthorized })
@Controller('payments')
export class PaymentsController {
  constructor(
    private readonly processPayment: ProcessPaymentUseCase,
    private readonly getPayment: GetPaymentUseCase,
    private readonly listPayments: ListPaymentsUseCase,
    private readonly refundPayment: RefundPaymentUseCase,
  ) {}

  @Post('process')
  @ApiOperation({
    summary: 'Pay an order (customer: own orders; admin: any)',
    description:
      'The order is read from the order service as the caller sees it (another customer’s ' +
      'order is 404); it must not be known cancelled (`order.cancelled`; else 422 ' +
      'order-not-payable) and `amount` must be its exact ' +
      'total (else 422 amount-mismatch). The payment is stored `pendiente` before the gateway is ' +
      'asked, and the database keeps one charge per order: a second attempt while one is ' +
      'running, or after one was approved, is 409. The gateway then decides: `aprobado` ' +
      '(`payment.approved` is published through the outbox, and the order follows even if its ' +
      'service is down right now; an order cancelled meanwhile gets the payment refunded) or ' +
      '`rechazado` with `failure_reason` (a new attempt is possible). If the gateway ' +
      'does not answer in time the payment stays `pendiente` (202) and is settled by ' +
      'reconciliation, never charged twice. The card number and CVC are never stored or logged: ' +
      'only `card_last4` and `card_brand`. Simulated gateway test cards: 4242424242424242 ' +
      'approves, 4000000000000002 declines (card_declined), 4000000000009995 declines ' +
      '(insufficient_funds), 4000000000000119 times out.',
  })
  @ApiHeader({
    name: 'Idempotency-Key',
    required: false,
    description:
      'Up to 255 printable ASCII characters, scoped to the caller, kept 24 hours. Same key and ' +
      'body: the first answer replayed (its status and body, or its 404/422 problem) with ' +
      '`Idempotent-Replayed: true`. Other body: 422. While the first request runs: 409. A 409 ' +
      'conflict with another payment, a 503 or a 5xx is not kept, so a retry runs again. The ' +
      'card counts by its last four digits and expiry only.',
  })
  @ApiCreatedResponse({
    type: PaymentResponseDto,
    description: 'Decided: `aprobado` or `rechazado` (or a replay, `Idempotent-Replayed: true`).',
    headers: {
      'Idempotent-Replayed': {
        description: '`true` when this is the stored answer of an earlier request with this key',
        schema: { type: 'string', example: 'true' },
      },
    },
  })
  @ApiAcceptedResponse({
    type: PaymentResponseDto,
    description:
      '`pendiente`: the gateway has not answered (or a PayPal buyer must approve at ' +
      '`approval_url`); reconciliation settles it. GET /payments/{id} shows the outcome.',
  })
  @ApiProblem(400, 'Invalid body or Idempotency-Key; `errors` names the fields.', {
    invalidCard: EXAMPLES.validation,
    cardMissing: EXAMPLES.cardMissing,
  })
  @ApiProblem(404, 'No such order, or not yours.', { orderNotFound: EXAMPLES.orderNotFound })
  @ApiProblem(409, 'The order has a payment in progress or was paid, or the key is in flight.', {
    inProgress: EXAMPLES.inProgress,
    alreadyPaid: EXAMPLES.alreadyPaid,
    keyInFlight: EXAMPLES.keyInFlight,
  })
  @ApiProblem(422, 'The order was cancelled, the amount is not its total, or similar.', {
    notPayable: EXAMPLES.notPayable,
    amountMismatch: EXAMPLES.amountMismatch,
    methodNotSupported: EXAMPLES.methodNotSupported,
    keyReused: EXAMPLES.keyReused,
  })
  @ApiProblem(503, 'The order service is unavailable; nothing was charged.', {
    orderDown: EXAMPLES.orderDown,
  })
  async process(
    @Body() body: ProcessPaymentDto,
    @CurrentUser() user: AuthenticatedUser,
    @IdempotencyKey() key: string | undefined,
    @Res({ passthrough: true }) reply: Reply,
  ): Promise<unknown> {
    const result = await this.processPayment.execute({
      requester: requesterOf(user),
      userToken: user.token,
      orderId: body.order_id.toLowerCase(),
      amount: Money.fromDecimal(body.amount),
      method: body.payment_method,
      card: PaymentPresenter.toCard(body),
      idempotency:
        key === undefined
          ? undefined
          : { key, requestHash: requestHash(PaymentPresenter.fingerprintOf(body)) },
      present: (payment) => ({
        status: PaymentPresenter.statusOf(payment),
        body: PaymentPresenter.toResponse(payment),
      }),
    });
    if (result.kind === 'replayed') {
      reply.status(result.status);
      reply.header('idempotent-replayed', 'true');
      return result.body;
    }
    reply.status(PaymentPresenter.statusOf(result.payment));
    return PaymentPresenter.toResponse(result.payment);
  }

  @Get()
  @ApiOperation({
    summary: 'List payments: a customer those of their own orders, admin all',
    description:
      'Filters `order_id` and `status`; newest first, ties by id, so pages are stable. For a ' +
      'customer, another customer’s `order_id` matches nothing.',
  })
  @ApiOkResponse({ type: PaymentPageDto })
  @ApiProblem(400, 'Invalid query (limit 1-100, offset >= 0, order_id, status).', {
    validation: {
      ...EXAMPLES.badId,
      instance: '/api/v1/payments?limit=0',
      errors: [{ field: 'limit', message: 'limit must not be less than 1' }],
    },
  })
  async list(
    @Query() query: ListPaymentsQueryDto,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<PaymentPageDto> {
    const page = await this.listPayments.execute({
      requester: requesterOf(user),
      orderId: query.order_id?.toLowerCase(),
      status: query.status,
      limit: query.limit,
      offset: query.offset,
    });
    return PaymentPresenter.toPage(page, query.limit, query.offset);
  }

  @Get(':id')
  @ApiOperation({ summary: 'One payment (the order’s customer or admin; others get 404)' })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: PaymentResponseDto })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(404, 'No such payment, or not yours.', { paymentNotFound: EXAMPLES.paymentNotFound })
  async get(
    @UuidParam('id') id: string,
    @CurrentUser() user: AuthenticatedUser,
  ): Promise<PaymentResponseDto> {
    return PaymentPresenter.toResponse(
      await this.getPayment.execute(id.toLowerCase(), requesterOf(user)),
    );
  }

  @Post(':id/refund')
  @HttpCode(200)
  @Auth('admin')
  @ApiOperation({
    summary: 'Refund an approved payment in full (admin)',
    description:
      'aprobado → reembolsado after the gateway confirms the refund. The gateway call carries ' +
      'a key stable per payment, so a repeated or concurrent refund (also one from an order ' +
      'cancellation) moves the money back once. Any other status: 409. The gateway silent: 503, ' +
      'nothing changed, retrying is safe.',
  })
  @ApiParam(ID_PARAM)
  @ApiOkResponse({ type: PaymentResponseDto, description: 'Refunded.' })
  @ApiProblem(400, 'The id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(403, 'Only an admin refunds.', { forbidden: EXAMPLES.forbidden })
  @ApiProblem(404, 'No such payment.', { paymentNotFound: EXAMPLES.paymentNotFound })
  @ApiProblem(409, 'Not aprobado, or the gateway refused the refund.', {
    notRefundable: EXAMPLES.notRefundable,
    refundRefused: EXAMPLES.refundRefused,
  })
  @ApiProblem(503, 'The gateway did not answer; nothing changed.', {
    gatewayDown: EXAMPLES.gatewayDown,
  })
  async refund(@UuidParam('id') id: string): Promise<PaymentResponseDto> {
    return PaymentPresenter.toResponse(await this.refundPayment.execute(id.toLowerCase()));
  }
}
