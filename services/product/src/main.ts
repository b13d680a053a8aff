import { bootstrapService } from '@app/platform';
import { ProductModule } from './product.module';

void bootstrapService(() => ProductModule.forRoot());
