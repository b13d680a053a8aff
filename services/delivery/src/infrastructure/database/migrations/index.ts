import { CreateDeliveries1737500000000 } from './1737500000000-create-deliveries';
import { CreatePaidOrders1737500000001 } from './1737500000001-create-paid-orders';

/** In order of application (the outbox/inbox migration is added by the platform). */
export const deliveryMigrations = [CreateDeliveries1737500000000, CreatePaidOrders1737500000001];
