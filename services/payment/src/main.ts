import { bootstrapService } from '@app/platform';
import { PaymentModule } from './payment.module';

void bootstrapService(() => PaymentModule.forRoot());
