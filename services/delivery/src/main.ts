import { bootstrapService } from '@app/platform';
import { DeliveryModule } from './delivery.module';

void bootstrapService(() => DeliveryModule.forRoot());
