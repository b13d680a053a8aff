import { Body, Controller, Get, HttpCode, Post } from '@nestjs/common';
import { ApiBody, ApiOperation, ApiParam, ApiTags } from '@nestjs/swagger';
import { ValidateOrderDto, ValidationResultDto } from '@app/contracts';
import { ApiProblem, UuidParam } from '@app/platform';
import { Requester } from '../../application/dtos/requester';
import { GetValidationResultUseCase } from '../../application/use-cases/get-validation-result.use-case';
import { ValidateOrderUseCase } from '../../application/use-cases/validate-order.use-case';
import { ApiResult, EXAMPLES, ORDER_ID_EXAMPLE, RESULT_EXAMPLES } from './problem-examples';
import { CurrentRequester, UserOrServiceAuth } from './user-or-service.guard';
import { ValidationPresenter } from './validation.presenter';

const WHO =
  'Callers: the order’s owner (bearer token), an admin (bearer token), or another service ' +
  '(X-Service-Key). A customer asking about another customer’s order gets 404, as for an ' +
  'order that does not exist.';

@ApiTags('validations')
@UserOrServiceAuth('payment')
@ApiProblem(
  401,
  'No credential, an invalid or expired token, or an X-Service-Key this service does not accept.',
  { noToken: EXAMPLES.noToken, badServiceKey: EXAMPLES.badServiceKey },
)
@ApiProblem(429, 'Rate limited (per IP; service callers are exempt); `Retry-After` says when.', {
  rateLimited: EXAMPLES.rateLimited,
})
@Controller('validations')
export class ValidationsController {
  constructor(
    private readonly validateOrder: ValidateOrderUseCase,
    private readonly getResult: GetValidationResultUseCase,
  ) {}

  @Post('validate')
  @HttpCode(200)
  @ApiOperation({
    summary: 'Validate an order against the user, catalog and totals; the result is kept',
    description:
      'Reads the order (order service), its user (user service) and the current price of ' +
      'each product (product service), then checks every rule and reports every failure: ' +
      '`order_not_creada` (the order must await payment), `order_empty`, `user_not_found`, ' +
      '`product_not_found`, `invalid_quantity` (an integer from 1 to 1,000) and ' +
      '`price_mismatch` per line (`product_id` names it), `total_mismatch` (total ≠ Σ price × ' +
      'quantity, in integer cents). An unknown order is `valid: false` with `order_not_found` ' +
      'for admins and services. If any of the three services cannot answer, the answer is 503 ' +
      'and nothing is kept: an outage never reads as `valid: false`. The result of an existing ' +
      'order is also published as `order.validated` (the order records it in its history); ' +
      'when too many events already wait for delivery, the answer is 503 and nothing is kept. ' +
      WHO,
  })
  @ApiBody({ type: ValidateOrderDto })
  @ApiResult('The result (also kept for GET /validations/{order_id}).', RESULT_EXAMPLES)
  @ApiProblem(400, 'Invalid body; `errors` names the fields.', {
    validation: EXAMPLES.validation,
    unknownField: EXAMPLES.unknownField,
  })
  @ApiProblem(404, 'Customer callers: no such order, or another customer’s (`order-not-found`).', {
    orderNotFound: EXAMPLES.orderNotFound,
  })
  @ApiProblem(
    503,
    'The order, user or product service is unavailable, or too many events wait for delivery; ' +
      'nothing was kept.',
    {
      productDown: EXAMPLES.productDown,
      userDown: EXAMPLES.userDown,
      orderDown: EXAMPLES.orderDown,
      eventsBacklogFull: EXAMPLES.eventsBacklogFull,
    },
  )
  async validate(
    @Body() body: ValidateOrderDto,
    @CurrentRequester() requester: Requester,
  ): Promise<ValidationResultDto> {
    return ValidationPresenter.toResponse(
      await this.validateOrder.execute(body.order_id, requester),
    );
  }

  @Get(':order_id')
  @ApiOperation({
    summary: 'The last validation result of an order',
    description:
      'Results are kept for a limited time after their validation ' +
      '(VALIDATION_CACHE_TTL_SECONDS): in Redis when REDIS_URL is set (whichever replica ' +
      'answers finds them), else in this process’s memory (the most recent VALIDATION_CACHE_MAX, ' +
      'not across restarts). 404 when none is kept: validate again. No other service is asked. ' +
      WHO,
  })
  @ApiParam({ name: 'order_id', format: 'uuid', example: ORDER_ID_EXAMPLE })
  @ApiResult('The last result kept for the order.', RESULT_EXAMPLES)
  @ApiProblem(400, 'The order id is not a UUID.', { badId: EXAMPLES.badId })
  @ApiProblem(
    404,
    'No result kept for this order (never validated, expired, evicted) or, for a customer, ' +
      'another customer’s order (`validation-not-found`).',
    { validationNotFound: EXAMPLES.validationNotFound },
  )
  async get(
    @UuidParam('order_id') orderId: string,
    @CurrentRequester() requester: Requester,
  ): Promise<ValidationResultDto> {
    return ValidationPresenter.toResponse(await this.getResult.execute(orderId, requester));
  }
}
