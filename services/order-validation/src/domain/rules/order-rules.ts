import { Money } from '@app/kernel';
import { OrderToValidate } from '../entities/order-to-validate';
import { ValidationIssue } from '../entities/validation-issue';

/** Most units a line may hold (SPEC.md: "every quantity a documented maximum (1,000 per line)"). */
export const LINE_QUANTITY_MAX = 1000;

/** What the other services said about an order, gathered before the rules run. */
export interface OrderFacts {
  order: OrderToValidate;
  /** the order's user exists at the user service */
  userExists: boolean;
  /** current catalog price per product id (lower-case); a product absent here is not in the catalog */
  catalogPrices: ReadonlyMap<string, Money>;
}

/**
 * Every rule of SPEC.md "Order validation" applied to one order; every failure is reported, not
 * only the first, in a stable order: status, emptiness, user, then each line (unknown product,
 * quantity, price), then the total. Pure: the facts come in, the issues go out.
 */
export function checkOrder(facts: OrderFacts): ValidationIssue[] {
  const { order } = facts;
  const issues: ValidationIssue[] = [];

  if (!order.awaitingPayment) {
    issues.push({
      code: 'order_not_creada',
      message: `Order ${order.id} is ${order.status}; only an order awaiting payment can be validated`,
    });
  }
  if (order.lines.length === 0) {
    issues.push({ code: 'order_empty', message: `Order ${order.id} has no lines` });
  }
  if (!facts.userExists) {
    issues.push({
      code: 'user_not_found',
      message: `User ${order.userId} of order ${order.id} does not exist`,
    });
  }

  for (const line of order.lines) {
    const productId = line.productId.toLowerCase();
    const catalogPrice = facts.catalogPrices.get(productId);
    if (catalogPrice === undefined) {
      issues.push({
        code: 'product_not_found',
        message: `Product ${productId} is not in the catalog`,
        productId,
      });
    }
    if (!isValidQuantity(line.quantity)) {
      issues.push({
        code: 'invalid_quantity',
        message: `Product ${productId} has quantity ${line.quantity}; it must be an integer from 1 to ${LINE_QUANTITY_MAX}`,
        productId,
      });
    }
    if (catalogPrice !== undefined && !catalogPrice.equals(line.unitPrice)) {
      issues.push({
        code: 'price_mismatch',
        message: `Product ${productId} costs ${catalogPrice.toDecimalString()} in the catalog, the order says ${line.unitPrice.toDecimalString()}`,
        productId,
      });
    }
  }

  const sum = sumOfLines(order);
  if (sum !== null && !sum.equals(order.total)) {
    issues.push({
      code: 'total_mismatch',
      message: `Order ${order.id} has total ${order.total.toDecimalString()}, its lines add up to ${sum.toDecimalString()}`,
    });
  }
  return issues;
}

function isValidQuantity(quantity: number): boolean {
  return Number.isInteger(quantity) && quantity >= 1 && quantity <= LINE_QUANTITY_MAX;
}

/**
 * Σ unit price × quantity in integer cents. null when no exact sum exists: a quantity that is not
 * an integer (reported as invalid_quantity), or amounts beyond 2^53 cents (no order the order
 * service accepts comes near: 100 lines × 1,000 units × 99,999,999.99 is below 10^15 cents).
 */
function sumOfLines(order: OrderToValidate): Money | null {
  let sum = Money.zero();
  for (const line of order.lines) {
    if (!Number.isSafeInteger(line.quantity)) return null;
    try {
      sum = sum.add(line.unitPrice.multiply(line.quantity));
    } catch (error) {
      if (error instanceof RangeError) return null;
      throw error;
    }
  }
  return sum;
}
