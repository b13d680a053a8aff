import { ApiProperty } from '@nestjs/swagger';
import {
  PAYMENT_GATEWAYS,
  PAYMENT_METHODS,
  PAYMENT_STATUSES,
  PaymentGatewayName,
  PaymentMethodName,
  PaymentStatusName,
} from './payment-limits';

/** A payment as its owner (the order's customer) and admin see it. No card data beyond last4. */
export class PaymentResponseDto {
  @ApiProperty({ format: 'uuid', example: '7e6d5c4b-3a29-4180-9f7e-6d5c4b3a2918' })
  id: string;

  @ApiProperty({ format: 'uuid', example: '9b2d7c1e-0f4a-4e59-8a3b-6c5d4e3f2a10' })
  order_id: string;

  @ApiProperty({
    format: 'uuid',
    description: "The order's customer, who owns this payment",
    example: '5b1c2f7e-8d4a-4c3b-9e2f-1a0b3c4d5e6f',
  })
  user_id: string;

  @ApiProperty({ description: 'The amount charged (the order total)', example: 65.47 })
  amount: number;

  @ApiProperty({ description: 'ISO 4217 code, lower case', example: 'eur' })
  currency: string;

  @ApiProperty({ enum: PAYMENT_METHODS, example: 'credit_card' })
  payment_method: PaymentMethodName;

  @ApiProperty({
    enum: PAYMENT_STATUSES,
    description:
      'pendiente: the gateway has not answered yet (timeout, or a PayPal buyer still has to ' +
      'approve); settled later. aprobado: charged, the order becomes pagada. rechazado: refused ' +
      '(failure_reason says why); a new attempt is possible. reembolsado: refunded.',
    example: 'aprobado',
  })
  status: PaymentStatusName;

  @ApiProperty({ enum: PAYMENT_GATEWAYS, example: 'simulated' })
  gateway: PaymentGatewayName;

  @ApiProperty({
    nullable: true,
    type: String,
    description:
      "The gateway's id for the charge (Stripe PaymentIntent, PayPal order, simulator charge)",
    example: 'sim_ch_4f1c2b3a9d8e7f60',
  })
  gateway_reference: string | null;

  @ApiProperty({ nullable: true, type: String, example: '4242', pattern: '^[0-9]{4}$' })
  card_last4: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'visa, mastercard, amex, discover or unknown',
    example: 'visa',
  })
  card_brand: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "Why the gateway refused it (rechazado), in the gateway's words",
    example: null,
  })
  failure_reason: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: 'PayPal only: where the buyer approves a pendiente payment',
    example: null,
  })
  approval_url: string | null;

  @ApiProperty({
    nullable: true,
    type: String,
    description: "The gateway's refund id once reembolsado",
    example: null,
  })
  refund_reference: string | null;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:31:00.000Z' })
  created_at: string;

  @ApiProperty({ format: 'date-time', example: '2025-01-15T10:31:01.000Z' })
  updated_at: string;
}

export class PaymentPageDto {
  @ApiProperty({ type: [PaymentResponseDto] })
  items: PaymentResponseDto[];

  @ApiProperty({ description: 'Payments matching the filters', example: 3 })
  total: number;

  @ApiProperty({ example: 20 })
  limit: number;

  @ApiProperty({ example: 0 })
  offset: number;
}
