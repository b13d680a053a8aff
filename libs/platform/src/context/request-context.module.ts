import type { DynamicModule, Provider } from '@nestjs/common';
import { APP_GUARD, APP_INTERCEPTOR } from '@nestjs/core';
import { ClsModule, type ClsModuleOptions } from 'nestjs-cls';

/** The two global enhancers nestjs-cls registers whether or not they are mounted. */
const CLS_ENHANCERS: ReadonlySet<unknown> = new Set([APP_GUARD, APP_INTERCEPTOR]);

/**
 * nestjs-cls's module, minus its global guard and interceptor. ClsModule.forRoot always
 * provides an APP_GUARD and an APP_INTERCEPTOR; unmounted (as here: configureApp's onRequest
 * hook enters the context) they do nothing, yet every request still runs them: the no-op
 * interceptor alone puts each request through Nest's rxjs interceptor chain (an Observable,
 * a ReplaySubject, lastValueFrom), about 7 % of a product read's CPU (docs/performance.md).
 * Mounting either would need the middleware or guard option, which we never pass.
 */
export function requestContextModule(options: ClsModuleOptions): DynamicModule {
  if (options.guard?.mount || options.interceptor?.mount) {
    throw new Error(
      'requestContextModule: the context is entered by a hook, not a guard or interceptor',
    );
  }
  return withoutEnhancers(ClsModule.forRoot(options));
}

function withoutEnhancers(module: DynamicModule): DynamicModule {
  return {
    ...module,
    providers: module.providers?.filter((provider) => !isEnhancer(provider)),
    imports: module.imports?.map((imported) =>
      imported && typeof imported === 'object' && 'module' in imported
        ? withoutEnhancers(imported as DynamicModule)
        : imported,
    ),
  };
}

function isEnhancer(provider: Provider): boolean {
  return (
    typeof provider === 'object' && 'provide' in provider && CLS_ENHANCERS.has(provider.provide)
  );
}
