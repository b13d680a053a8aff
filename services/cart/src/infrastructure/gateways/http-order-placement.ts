import { Injectable } from '@nestjs/common';
import { OrderClient, UpstreamAnswer } from '@app/clients';
import {
  AddressDto,
  CreateOrderDto,
  ORDER_PROBLEM_TYPES,
  OrderResponseDto,
  ProblemDto,
} from '@app/contracts';
import { DomainError, DomainErrorKind, Money } from '@app/kernel';
import { UpstreamUnavailableError } from '@app/platform';
import {
  OrderNotConfirmed,
  OrderRefused,
  OrderServiceRefusedToken,
} from '../../application/errors/checkout.errors';
import {
  OrderPlacement,
  OrderRequest,
  PlacedOrder,
} from '../../application/ports/order-placement.port';
import { ShippingAddress } from '../../domain/entities/cart';

type Problem = ProblemDto & Record<string, unknown>;

/** Problem extensions worth passing on to the cart's caller (they name the offending lines). */
const PASSED_ON = ['items', 'product_ids', 'errors'] as const;

/**
 * OrderPlacement over the order service's API, through the typed OrderClient. Decides which
 * answers are outright refusals (nothing exists under the key) and which leave it open.
 */
@Injectable()
export class HttpOrderPlacement extends OrderPlacement {
  constructor(private readonly orders: OrderClient) {
    super();
  }

  async placeOrder(request: OrderRequest): Promise<PlacedOrder> {
    const body: CreateOrderDto = {
      user_id: request.userId,
      items: request.lines.map((line) => ({
        product_id: line.productId,
        quantity: line.quantity,
      })),
    };
    if (request.shippingAddress) body.shipping_address = toAddressDto(request.shippingAddress);
    const answer = await this.orders.createOrder(body, {
      userToken: request.userToken,
      idempotencyKey: request.idempotencyKey,
    });
    if (answer.ok) return toPlacedOrder(answer.body);
    throw placementError(answer);
  }

  async findOrder(orderId: string, userToken: string): Promise<PlacedOrder | null> {
    const answer = await this.orders.getOrder(orderId, { userToken });
    if (answer.ok) return toPlacedOrder(answer.body);
    if (answer.status === 404) return null;
    if (answer.status === 401) throw unauthorized(answer.problem);
    throw new UpstreamUnavailableError(
      'order',
      `The order service answered ${answer.status} when asked for order ${orderId}.`,
    );
  }
}

/** Answers about the key itself, not the order: they do not say whether an order exists. */
const KEY_PROBLEMS = new Set([
  snake(ORDER_PROBLEM_TYPES.idempotencyKeyInFlight),
  snake(ORDER_PROBLEM_TYPES.idempotencyKeyReused),
]);

/**
 * The order service stores its business refusals (unknown product, short stock, a total too
 * large, an invalid line) under the key and created nothing: those are OrderRefused. Answers
 * about the key (still in flight, reused with another body) and 401/403 (checked before the
 * key is looked up) leave open whether an order exists: OrderNotConfirmed. 5xx never gets
 * here (the client throws 503); any other status is the order service failing us (503).
 */
function placementError(answer: Extract<UpstreamAnswer<unknown>, { ok: false }>): Error {
  const problem = answer.problem ?? ({} as Problem);
  const code = problemCode(problem);
  const detail =
    typeof problem.detail === 'string' && problem.detail.length > 0
      ? problem.detail
      : `The order service answered ${answer.status}.`;
  const details = passedOn(problem);
  const kind = KIND_BY_STATUS[answer.status];
  if (answer.status === 401) return unauthorized(problem);
  if (!kind) {
    return new UpstreamUnavailableError(
      'order',
      `The order service answered ${answer.status}. Try again shortly.`,
    );
  }
  const fallback = kind === 'not_found' ? 'product_not_found' : 'order_rejected';
  if (answer.status === 403 || (code !== undefined && KEY_PROBLEMS.has(code))) {
    return new OrderNotConfirmed(kind, code ?? 'forbidden', detail, details);
  }
  return new OrderRefused(kind, code ?? fallback, detail, details);
}

const KIND_BY_STATUS: Record<number, DomainErrorKind | undefined> = {
  400: 'invalid',
  403: 'forbidden',
  404: 'not_found',
  409: 'conflict',
  422: 'unprocessable',
};

function unauthorized(problem: Problem | undefined): OrderServiceRefusedToken {
  return new OrderServiceRefusedToken(
    typeof problem?.detail === 'string' ? problem.detail : undefined,
  );
}

/** `https://nest-commerce.dev/problems/insufficient-stock` → `insufficient_stock`. */
function problemCode(problem: Problem): string | undefined {
  if (typeof problem.type !== 'string') return undefined;
  const suffix = problem.type.split('/').pop();
  return suffix && /^[a-z0-9-]+$/.test(suffix) ? snake(suffix) : undefined;
}

function snake(kebab: string): string {
  return kebab.replace(/-/g, '_');
}

function passedOn(problem: Problem): DomainError['details'] {
  const picked = Object.fromEntries(
    PASSED_ON.filter((key) => problem[key] !== undefined).map((key) => [key, problem[key]]),
  );
  return Object.keys(picked).length > 0 ? picked : undefined;
}

function toAddressDto(address: ShippingAddress): AddressDto {
  return {
    street: address.street,
    city: address.city,
    postal_code: address.postalCode,
    country: address.country,
  };
}

function toPlacedOrder(dto: OrderResponseDto): PlacedOrder {
  return {
    id: dto.id,
    userId: dto.user_id,
    status: dto.status,
    lines: dto.items.map((item) => ({
      productId: item.product_id,
      name: item.name,
      quantity: item.quantity,
      unitPrice: Money.fromDecimal(item.price),
      subtotal: Money.fromDecimal(item.subtotal),
    })),
    total: Money.fromDecimal(dto.total),
    shippingAddress: dto.shipping_address
      ? {
          street: dto.shipping_address.street,
          city: dto.shipping_address.city,
          postalCode: dto.shipping_address.postal_code,
          country: dto.shipping_address.country,
        }
      : null,
    createdAt: new Date(dto.created_at),
    updatedAt: new Date(dto.updated_at),
  };
}
