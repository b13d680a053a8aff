export const PAYMENT_STATUSES = ['pendiente', 'aprobado', 'rechazado', 'reembolsado'] as const;
export type PaymentStatus = (typeof PAYMENT_STATUSES)[number];

/**
 * The only moves a payment makes. `pendiente` waits for the gateway's answer (a timeout, a
 * PayPal buyer's approval); `rechazado` and `reembolsado` are final; a refund needs `aprobado`.
 */
const TRANSITIONS: Record<PaymentStatus, readonly PaymentStatus[]> = {
  pendiente: ['aprobado', 'rechazado'],
  aprobado: ['reembolsado'],
  rechazado: [],
  reembolsado: [],
};

export function canTransition(from: PaymentStatus, to: PaymentStatus): boolean {
  return TRANSITIONS[from].includes(to);
}

/**
 * Statuses that hold an order's one charge: at most one payment per order is in one of these
 * (a partial unique index enforces it). A declined payment frees the order for a new attempt.
 */
export const CHARGE_HOLDING_STATUSES: readonly PaymentStatus[] = [
  'pendiente',
  'aprobado',
  'reembolsado',
];
