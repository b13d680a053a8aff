import { bootstrapService } from '@app/platform';
import { UserModule } from './user.module';

void bootstrapService(() => UserModule.forRoot());
