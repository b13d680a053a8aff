import 'reflect-metadata';
import { SetMetadata } from '@nestjs/common';
import { Reflector } from '@nestjs/core';
import fc from 'fast-check';
import { StaticMetadataReflector } from './static-metadata-reflector';

const KEYS = ['THROTTLER:SKIPdefault', 'THROTTLER:LIMITdefault', 'THROTTLER:TTLdefault'];

/** A controller class and handler with generated metadata on either, both or neither. */
function route(onClass: Record<string, unknown>, onHandler: Record<string, unknown>) {
  class Controller {
    handle(): void {}
  }
  const handler = Controller.prototype.handle;
  for (const [key, value] of Object.entries(onClass)) SetMetadata(key, value)(Controller);
  for (const [key, value] of Object.entries(onHandler)) {
    SetMetadata(key, value)(Controller.prototype, 'handle', {
      value: handler,
    } as PropertyDescriptor);
  }
  return { handler, classRef: Controller };
}

const metadata = fc.dictionary(
  fc.constantFrom(...KEYS),
  fc.oneof(fc.boolean(), fc.integer(), fc.constant(undefined), fc.constant(null)),
);

describe('StaticMetadataReflector (the throttler guard route settings, looked up once)', () => {
  it('answers what Reflector answers, the first time and every time after (generated routes)', () => {
    fc.assert(
      fc.property(
        fc.array(fc.tuple(metadata, metadata), { minLength: 1, maxLength: 6 }),
        (defs) => {
          const plain = new Reflector();
          const remembered = new StaticMetadataReflector();
          const routes = defs.map(([onClass, onHandler]) => route(onClass, onHandler));
          for (let round = 0; round < 3; round++) {
            for (const { handler, classRef } of routes) {
              for (const key of KEYS) {
                expect(remembered.getAllAndOverride(key, [handler, classRef])).toEqual(
                  plain.getAllAndOverride(key, [handler, classRef]),
                );
              }
            }
          }
        },
      ),
      { numRuns: 100, seed: 14 },
    );
  });

  it('keeps routes apart: two handlers of one class, one handler of two classes', () => {
    const a = route({ [KEYS[0]]: true }, { [KEYS[1]]: 5 });
    const b = route({}, { [KEYS[1]]: 7 });
    const reflector = new StaticMetadataReflector();
    expect(reflector.getAllAndOverride(KEYS[1], [a.handler, a.classRef])).toBe(5);
    expect(reflector.getAllAndOverride(KEYS[1], [b.handler, b.classRef])).toBe(7);
    expect(reflector.getAllAndOverride(KEYS[0], [a.handler, a.classRef])).toBe(true);
    expect(reflector.getAllAndOverride(KEYS[0], [b.handler, b.classRef])).toBeUndefined();
    expect(reflector.getAllAndOverride(KEYS[0], [b.handler, a.classRef])).toBe(true);
  });

  it('passes other target lists through', () => {
    const a = route({ [KEYS[2]]: 60 }, {});
    const reflector = new StaticMetadataReflector();
    expect(reflector.getAllAndOverride(KEYS[2], [a.classRef])).toBe(60);
    expect(reflector.getAllAndOverride(KEYS[2], [a.handler])).toBeUndefined();
  });
});
