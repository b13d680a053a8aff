import fc from 'fast-check';
import { IsInt, IsOptional, IsString, Length, getMetadataStorage, validate } from 'class-validator';
import { memoizeValidationMetadata } from './memoized-validation-metadata';

type Lookup = (
  target: unknown,
  schema: string | undefined,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => Array<{ propertyName: string; type: string; groups?: string[] }>;

const storage = getMetadataStorage() as unknown as { getTargetValidationMetadatas: Lookup };
// class-validator's own look-up, kept before the memo is installed: the reference
const original = storage.getTargetValidationMetadatas.bind(storage);
let originalCalls = 0;
storage.getTargetValidationMetadatas = (...args) => {
  originalCalls += 1;
  return original(...args);
};
const reference = original;
memoizeValidationMetadata();
const lookup: Lookup = (...args) => storage.getTargetValidationMetadatas(...args);

const RULES = [
  (groups?: string[]) => IsString({ groups }),
  (groups?: string[]) => IsInt({ groups }),
  (groups?: string[]) => Length(1, 5, { groups }),
  (groups?: string[]) => IsOptional({ groups }),
] as const;
const GROUPS = [undefined, ['a'], ['b'], ['a', 'b']] as const;

/** Rules on a class: [property, rule index, groups index] */
const ruleSpec = fc.array(
  fc.tuple(
    fc.constantFrom('p', 'q', 'r', 's'),
    fc.integer({ min: 0, max: 3 }),
    fc.integer({ min: 0, max: 3 }),
  ),
  { maxLength: 5 },
);

/** A chain of classes, each extending the one before, with the rules given per level. */
function buildChain(levels: Array<Array<[string, number, number]>>): Array<new () => object> {
  const chain: Array<new () => object> = [];
  for (const rules of levels) {
    const parent = chain.at(-1) ?? Object;
    const Cls = class extends (parent as new () => object) {};
    for (const [property, rule, groups] of rules) {
      RULES[rule](GROUPS[groups] ? [...GROUPS[groups]] : undefined)(Cls.prototype, property);
    }
    chain.push(Cls);
  }
  return chain;
}

const shape = (list: ReturnType<Lookup>) =>
  list.map((m) => `${m.propertyName}:${m.type}:${(m.groups ?? []).join(',')}`);

describe('memoizeValidationMetadata', () => {
  it('answers what class-validator answers, for generated class chains and options', () => {
    fc.assert(
      fc.property(
        fc.array(ruleSpec, { minLength: 1, maxLength: 4 }),
        fc.boolean(),
        fc.boolean(),
        fc.integer({ min: 0, max: 3 }),
        (levels, always, strictGroups, groupsIndex) => {
          const chain = buildChain(levels);
          const groups = GROUPS[groupsIndex] ? [...GROUPS[groupsIndex]] : undefined;
          for (const Cls of chain) {
            const expected = shape(reference(Cls, undefined, always, strictGroups, groups));
            // twice: the second answer is the kept one
            expect(shape(lookup(Cls, undefined, always, strictGroups, groups))).toEqual(expected);
            expect(shape(lookup(Cls, undefined, always, strictGroups, groups))).toEqual(expected);
          }
        },
      ),
      { seed: 14_2026, numRuns: 200 },
    );
  });

  it('looks a class up once however often it is validated', async () => {
    class Dto {
      @IsString() name!: string;
      @IsInt() count!: number;
    }
    const before = originalCalls;
    for (let i = 0; i < 50; i += 1) {
      const dto = Object.assign(new Dto(), { name: i % 2 ? 'x' : 7, count: 1 });
      expect((await validate(dto)).map((e) => e.property)).toEqual(i % 2 ? [] : ['name']);
    }
    expect(originalCalls - before).toBe(1);
  });

  it('sees a rule added after a look-up, on the class and on its subclasses', async () => {
    class Parent {
      @IsString() name!: string;
    }
    class Child extends Parent {}
    const child = Object.assign(new Child(), { name: 'x', extra: 12 });
    expect(await validate(child)).toEqual([]);

    IsString()(Parent.prototype, 'extra');
    expect((await validate(child)).map((e) => e.property)).toEqual(['extra']);
    expect(shape(lookup(Child, undefined, false, false))).toEqual(
      shape(reference(Child, undefined, false, false)),
    );
  });

  it('hands out answers no caller can edit, and installs once', () => {
    class Dto {
      @IsString() name!: string;
    }
    const answer = lookup(Dto, undefined, false, false);
    expect(() => answer.push(answer[0])).toThrow(TypeError);
    const installed = storage.getTargetValidationMetadatas;
    memoizeValidationMetadata();
    expect(storage.getTargetValidationMetadatas).toBe(installed);
  });
});
