import { bootstrapService } from '@app/platform';
import { CartModule } from './cart.module';

void bootstrapService(() => CartModule.forRoot());
