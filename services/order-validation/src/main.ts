import { bootstrapService } from '@app/platform';
import { OrderValidationModule } from './order-validation.module';

void bootstrapService(() => OrderValidationModule.forRoot());
