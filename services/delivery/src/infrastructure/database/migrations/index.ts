import { CreateDeliveries1737500000000 } from './1737500000000-create-deliveries';

/** In order of application (the outbox/inbox migration is added by the platform). */
export const deliveryMigrations = [CreateDeliveries1737500000000];
