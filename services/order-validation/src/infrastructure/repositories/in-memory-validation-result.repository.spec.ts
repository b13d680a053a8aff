import { ValidationResult } from '../../domain/entities/validation-result';
import { loadOrderValidationConfig } from '../config/order-validation.config';
import { InMemoryValidationResultRepository } from './in-memory-validation-result.repository';

const id = (n: number) => `00000000-0000-4000-8000-${String(n).padStart(12, '0')}`;
const result = (n: number) => ValidationResult.of(id(n), id(1000 + n), [], new Date());

describe('InMemoryValidationResultRepository', () => {
  afterEach(() => jest.useRealTimers());

  it('keeps the last result per order, found by id in any letter case', async () => {
    const repo = new InMemoryValidationResultRepository({
      cacheMaxEntries: 10,
      cacheTtlSeconds: 60,
    });
    const first = result(1);
    const second = ValidationResult.of(
      id(1),
      id(1001),
      [{ code: 'order_not_creada', message: 'paid' }],
      new Date(),
    );
    await repo.save(first);
    await repo.save(second);
    expect(await repo.findByOrderId(id(1).toUpperCase())).toBe(second);
  });

  it('holds at most VALIDATION_CACHE_MAX results', async () => {
    const repo = new InMemoryValidationResultRepository({
      cacheMaxEntries: 2,
      cacheTtlSeconds: 60,
    });
    for (const n of [1, 2, 3]) await repo.save(result(n));
    expect(await repo.findByOrderId(id(1))).toBeNull();
    expect(await repo.findByOrderId(id(3))).not.toBeNull();
  });

  it('forgets a result VALIDATION_CACHE_TTL_SECONDS after it was saved', async () => {
    jest.useFakeTimers({ now: new Date('2025-01-15T10:00:00Z') });
    const repo = new InMemoryValidationResultRepository({
      cacheMaxEntries: 10,
      cacheTtlSeconds: 60,
    });
    await repo.save(result(1));
    jest.setSystemTime(new Date('2025-01-15T10:00:59.999Z'));
    expect(await repo.findByOrderId(id(1))).not.toBeNull();
    jest.setSystemTime(new Date('2025-01-15T10:01:00.001Z')); // older than the TTL
    expect(await repo.findByOrderId(id(1))).toBeNull();
  });
});

describe('loadOrderValidationConfig', () => {
  const key = { SERVICE_API_KEY: 'a-key-of-sixteen-chars' };

  it('defaults: 10,000 results for an hour', () => {
    expect(loadOrderValidationConfig(key)).toEqual({
      cacheMaxEntries: 10_000,
      cacheTtlSeconds: 3600,
    });
  });

  it('reads both variables', () => {
    expect(
      loadOrderValidationConfig({
        ...key,
        VALIDATION_CACHE_MAX: '5',
        VALIDATION_CACHE_TTL_SECONDS: '30',
      }),
    ).toEqual({ cacheMaxEntries: 5, cacheTtlSeconds: 30 });
  });

  it.each([
    [{}, 'SERVICE_API_KEY'],
    [{ ...key, VALIDATION_CACHE_MAX: '0' }, 'VALIDATION_CACHE_MAX'],
    [{ ...key, VALIDATION_CACHE_MAX: 'many' }, 'VALIDATION_CACHE_MAX'],
    [{ ...key, VALIDATION_CACHE_TTL_SECONDS: '-1' }, 'VALIDATION_CACHE_TTL_SECONDS'],
  ])('a missing or malformed variable stops the start, naming it (%j)', (env, name) => {
    expect(() => loadOrderValidationConfig(env)).toThrow(name);
  });
});
