/**
 * The delivery status machine as data: the only place a move is decided. Moves happen in one
 * direction; entregada and cancelada are final.
 */
export const DELIVERY_STATUS_VALUES = [
  'pendiente',
  'en_transito',
  'entregada',
  'cancelada',
] as const;
export type DeliveryStatus = (typeof DELIVERY_STATUS_VALUES)[number];

export const DELIVERY_TRANSITIONS: Readonly<Record<DeliveryStatus, readonly DeliveryStatus[]>> = {
  pendiente: ['en_transito', 'cancelada'],
  en_transito: ['entregada'],
  entregada: [],
  cancelada: [],
};

export function canTransition(from: DeliveryStatus, to: DeliveryStatus): boolean {
  return DELIVERY_TRANSITIONS[from].includes(to);
}
