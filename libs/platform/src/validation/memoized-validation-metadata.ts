import { getMetadataStorage } from 'class-validator';

type Lookup = (
  target: unknown,
  schema: string,
  always: boolean,
  strictGroups: boolean,
  groups?: string[],
) => unknown[];

interface Storage {
  getTargetValidationMetadatas: Lookup;
  addValidationMetadata(metadata: unknown): void;
  memoized?: true;
}

/**
 * class-validator finds a class's rules on every `validate()` (and Nest's pipe again for nested
 * objects) by testing `instanceof` against every class that has rules, for inherited ones: a
 * cost per request that grows with the number of DTO classes in the process (seven services'
 * worth under `npm start -- --in-process`; 2.6 % of that process's CPU in the checkout bench).
 * The answer only changes when a rule is added, so it is kept per class and options until then.
 * Installed once per process on class-validator's one (global) storage.
 */
export function memoizeValidationMetadata(): void {
  const storage = getMetadataStorage() as unknown as Storage;
  if (storage.memoized) return;
  const lookup = storage.getTargetValidationMetadatas.bind(storage);
  const add = storage.addValidationMetadata.bind(storage);
  let answers = new Map<unknown, Map<string, unknown[]>>();
  storage.getTargetValidationMetadatas = (target, schema, always, strictGroups, groups) => {
    const key = `${schema}\u0000${always}\u0000${strictGroups}\u0000${groups?.join('\u0000') ?? ''}`;
    let byOptions = answers.get(target);
    if (!byOptions) answers.set(target, (byOptions = new Map()));
    let found = byOptions.get(key);
    if (!found) {
      // shared by every caller from now on: frozen, so that one could never edit another's
      found = Object.freeze(lookup(target, schema, always, strictGroups, groups)) as unknown[];
      byOptions.set(key, found);
    }
    return found;
  };
  // (addValidationSchema adds through this too)
  storage.addValidationMetadata = (metadata) => {
    answers = new Map();
    add(metadata);
  };
  storage.memoized = true;
}
