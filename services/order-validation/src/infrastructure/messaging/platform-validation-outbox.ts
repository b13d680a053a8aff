import { Injectable } from '@nestjs/common';
import { EventPayload } from '@app/contracts';
import { EventOutbox } from '@app/kernel';
import { ValidationOutbox } from '../../application/ports/validation-outbox.port';
import { ValidationResult } from '../../domain/entities/validation-result';
import { ValidationPresenter } from '../../interfaces/api/validation.presenter';

/**
 * ValidationOutbox over the platform's event outbox (in memory: this service has no database):
 * one `order.validated` per validation, its subject the order id. The payload is the result
 * exactly as the API answers it (the contract's fields are the same), from the one presenter.
 */
@Injectable()
export class PlatformValidationOutbox extends ValidationOutbox {
  constructor(private readonly events: EventOutbox) {
    super();
  }

  async validated(result: ValidationResult): Promise<void> {
    const payload: EventPayload<'order.validated'> = ValidationPresenter.toResponse(result);
    await this.events.publish({ type: 'order.validated', subject: result.orderId, payload });
  }
}
