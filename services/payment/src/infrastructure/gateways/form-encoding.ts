/**
 * Stripe's request encoding: application/x-www-form-urlencoded with nested keys in brackets,
 * `metadata[order_id]=…`, arrays indexed, `payment_method_types[0]=card`.
 */
export function encodeForm(params: Record<string, unknown>): string {
  const pairs: string[] = [];
  const visit = (prefix: string, value: unknown): void => {
    if (value === undefined || value === null) return;
    if (Array.isArray(value)) {
      value.forEach((item, index) => visit(`${prefix}[${index}]`, item));
    } else if (typeof value === 'object') {
      for (const [key, inner] of Object.entries(value as Record<string, unknown>)) {
        visit(prefix ? `${prefix}[${key}]` : key, inner);
      }
    } else {
      pairs.push(`${encodeURIComponent(prefix)}=${encodeURIComponent(String(value))}`);
    }
  };
  visit('', params);
  return pairs.join('&');
}
