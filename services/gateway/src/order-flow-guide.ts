/** The portal's front page: the first document's description (user, first in the selector). */
export const ORDER_FLOW_GUIDE = `**One API, one origin.** This portal shows the public operations of all seven services,
all served by this gateway: pick a service in the selector above. Internal, service-to-service,
metrics and admin routes are not reachable here.

### The order flow

1. **Register and log in** (user): \`POST /api/v1/auth/register\`, then \`POST /api/v1/auth/login\`.
   Copy its \`access_token\` into **Authorize** (bearer); it is kept across services and reloads.
2. **Browse products** (product): \`GET /api/v1/products/\` (filters \`q\`, \`category\`, prices).
3. **Fill a cart** (cart): create your cart and add items.
4. **Check out** (cart): checkout turns the cart into an order, waiting for payment.
5. **Pay** (payment): \`POST /api/v1/payments/\` for the order's exact total.
6. **Follow the order** (order): \`GET /api/v1/orders/{id}\` and its history; then the shipment
   (delivery): \`GET /api/v1/deliveries/\`, or track it by its tracking number.

Every response carries \`X-Request-Id\` (send your own to correlate); errors are
\`application/problem+json\`. Rate limits answer 429 with \`Retry-After\`.`;
