/** Documented limits of the cart API; the cart domain enforces the same numbers. */
export const CART_QUANTITY_MAX = 1000;
/** Distinct products in one cart: what one order (and one stock reservation) can hold. */
export const CART_LINES_MAX = 100;
