/** Documented limits of the product API; the product domain enforces the same numbers. */
export const PRODUCT_NAME_MAX = 200;
export const PRODUCT_DESCRIPTION_MAX = 5000;
export const PRODUCT_CATEGORY_MAX = 100;
export const PRODUCT_STOCK_MAX = 1_000_000;
export const PRODUCT_SEARCH_MAX = 200;
export const RESERVATION_ITEMS_MAX = 100;
export const RESERVATION_QUANTITY_MAX = 1000;
