import { describeEnvSchema, intCase, stringCase } from '@app/testing';
import { OrderValidationEnvSchema, loadOrderValidationConfig } from './order-validation.config';

describeEnvSchema('order-validation', {
  schema: OrderValidationEnvSchema,
  load: loadOrderValidationConfig,
  base: { SERVICE_API_KEY: 'a-key-of-sixteen-chars' },
  variables: {
    SERVICE_API_KEY: stringCase(16, undefined, true),
    VALIDATION_CACHE_MAX: intCase(1, 1_000_000),
    VALIDATION_CACHE_TTL_SECONDS: intCase(1, 7 * 24 * 3600),
  },
});
