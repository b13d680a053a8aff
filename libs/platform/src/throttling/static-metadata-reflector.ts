import { Reflector } from '@nestjs/core';

// eslint-disable-next-line @typescript-eslint/no-unsafe-function-type
type Target = Function;

/**
 * A Reflector for metadata that decorators set once, at class definition: the throttler's
 * per-route settings (@SkipThrottle, @Throttle). @nestjs/throttler's guard looks six keys up
 * on the handler and its class for every request (reflect-metadata walks prototype chains each
 * time, about 2 % of a product read's CPU: docs/performance.md); here each (key, handler, class)
 * is looked up once and remembered. Only getAllAndOverride over [handler, class], the one call
 * the guard makes, is remembered; anything else goes to Reflector as usual.
 */
export class StaticMetadataReflector extends Reflector {
  private readonly memo = new Map<unknown, WeakMap<Target, WeakMap<Target, { value: unknown }>>>();

  // the base method's two overloads (decorator or key) both end here
  // eslint-disable-next-line @typescript-eslint/no-explicit-any
  override getAllAndOverride(metadataKeyOrDecorator: any, targets: Target[]): any {
    const [handler, classRef] = targets;
    if (targets.length !== 2 || !isTarget(handler) || !isTarget(classRef)) {
      return super.getAllAndOverride(metadataKeyOrDecorator, targets as never);
    }
    let byHandler = this.memo.get(metadataKeyOrDecorator);
    if (!byHandler) this.memo.set(metadataKeyOrDecorator, (byHandler = new WeakMap()));
    let byClass = byHandler.get(handler);
    if (!byClass) byHandler.set(handler, (byClass = new WeakMap()));
    let found = byClass.get(classRef);
    if (!found) {
      found = { value: super.getAllAndOverride(metadataKeyOrDecorator, targets as never) };
      byClass.set(classRef, found);
    }
    return found.value;
  }
}

function isTarget(value: unknown): value is Target {
  return typeof value === 'function';
}
