// The SPEC's port for each service: the default when PORT is not set.
export const SERVICE_PORTS: Readonly<Record<string, number>> = {
  product: 8000,
  user: 8001,
  delivery: 8002,
  cart: 8003,
  order: 8005,
  'order-validation': 8006,
  payment: 8007,
};
