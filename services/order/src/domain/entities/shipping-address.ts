/** Where a paid order is shipped (trimmed and validated at the edge). */
export interface ShippingAddress {
  street: string;
  city: string;
  postalCode: string;
  country: string;
}
