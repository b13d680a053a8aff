import { DynamicModule, Module, Type } from '@nestjs/common';
import { OrderClient } from '@app/clients';
import { PlatformModule, loadConfigs } from '@app/platform';
import { PaymentSettings } from './application/payment-settings';
import { OrderDirectory } from './application/ports/order-directory.port';
import { PaymentGateway } from './application/ports/payment-gateway.port';
import { PaymentOutbox } from './application/ports/payment-outbox.port';
import { GetPaymentUseCase } from './application/use-cases/get-payment.use-case';
import { ListPaymentsUseCase } from './application/use-cases/list-payments.use-case';
import { PaymentSettlement } from './application/use-cases/payment-settlement';
import { ProcessPaymentUseCase } from './application/use-cases/process-payment.use-case';
import { ReconcilePendingPaymentsUseCase } from './application/use-cases/reconcile-pending-payments.use-case';
import { RefundOrderPaymentUseCase } from './application/use-cases/refund-order-payment.use-case';
import {
  GatewayRefunds,
  RefundPaymentUseCase,
} from './application/use-cases/refund-payment.use-case';
import { CancelledOrders } from './domain/repositories/cancelled-orders.repository';
import { PaymentRepository } from './domain/repositories/payment.repository';
import {
  GatewayChoice,
  PaymentConfig,
  loadPaymentConfig,
} from './infrastructure/config/payment.config';
import { paymentDatabase } from './infrastructure/database';
import { HttpOrderDirectory } from './infrastructure/gateways/http-order-directory';
import { PaypalPaymentGateway } from './infrastructure/gateways/paypal.payment-gateway';
import { SimulatedPaymentGateway } from './infrastructure/gateways/simulated.payment-gateway';
import { StripePaymentGateway } from './infrastructure/gateways/stripe.payment-gateway';
import { PlatformPaymentOutbox } from './infrastructure/messaging/platform-payment-outbox';
import { TypeormCancelledOrders } from './infrastructure/repositories/typeorm-cancelled-orders';
import { PaymentEventHandlers } from './interfaces/events/payment-event-handlers';
import { TypeormPaymentRepository } from './infrastructure/repositories/typeorm-payment.repository';
import { InternalPaymentsController } from './interfaces/api/internal-payments.controller';
import { PaymentsController } from './interfaces/api/payments.controller';
import { PaymentReconciliationJob } from './interfaces/jobs/payment-reconciliation.job';

/** PAYMENT_GATEWAY picks the adapter bound to the PaymentGateway port. */
const GATEWAYS: Record<GatewayChoice, Type<PaymentGateway>> = {
  simulated: SimulatedPaymentGateway,
  stripe: StripePaymentGateway,
  paypal: PaypalPaymentGateway,
};

/** Composition root of the payment service: binds each port to its adapter. */
@Module({})
export class PaymentModule {
  static forRoot(env: NodeJS.ProcessEnv = process.env): DynamicModule {
    // Every variable is checked before the start stops; the platform's problems come first.
    const [platform, config] = loadConfigs(
      () =>
        PlatformModule.forRoot({
          service: 'payment',
          env,
          database: paymentDatabase,
          upstreams: ['order'],
          messaging: true,
          eventHandlers: PaymentEventHandlers,
          // Idempotency-Key on POST /payments/process; its short lease is renewed while a payment
          // runs, which (an order lookup and up to three gateway calls at their timeout) may take
          // longer than an order placement
          idempotency: { maxHoldSeconds: 120 },
        }),
      () => loadPaymentConfig(env),
    );
    return {
      module: PaymentModule,
      imports: [platform],
      controllers: [PaymentsController, InternalPaymentsController],
      providers: [
        { provide: PaymentConfig, useValue: config },
        {
          provide: PaymentSettings,
          useValue: new PaymentSettings(
            config.currency,
            config.reconcileMinAgeMs,
            config.pendingExpiryMs,
            config.reconcileBatchSize,
          ),
        },
        { provide: PaymentRepository, useClass: TypeormPaymentRepository },
        { provide: CancelledOrders, useClass: TypeormCancelledOrders },
        { provide: PaymentGateway, useClass: GATEWAYS[config.gateway] },
        { provide: OrderDirectory, useClass: HttpOrderDirectory },
        { provide: PaymentOutbox, useClass: PlatformPaymentOutbox },
        OrderClient,
        PaymentSettlement,
        GatewayRefunds,
        ProcessPaymentUseCase,
        GetPaymentUseCase,
        ListPaymentsUseCase,
        RefundPaymentUseCase,
        RefundOrderPaymentUseCase,
        ReconcilePendingPaymentsUseCase,
        PaymentReconciliationJob,
        PaymentEventHandlers,
      ],
    };
  }
}
