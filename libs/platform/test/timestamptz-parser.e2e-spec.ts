import fc from 'fast-check';
import { Client, types } from 'pg';
import { DataSource } from 'typeorm';
import { TestDatabase, createTestDatabase } from '@app/testing';
import { dataSourceOptions } from '../src/database/database-options';
import { TIMESTAMPTZ_OID, parseTimestamptz } from '../src/database/timestamptz-parser';

const pgParse = types.getTypeParser(TIMESTAMPTZ_OID, 'text') as (text: string) => unknown;
const two = (n: number) => String(n).padStart(2, '0');

/** PostgreSQL's ISO output of a timestamptz, from its parts (the fraction as PG trims it). */
const pgText = fc
  .record({
    year: fc.integer({ min: 1000, max: 9999 }),
    month: fc.integer({ min: 1, max: 12 }),
    day: fc.integer({ min: 1, max: 28 }),
    hour: fc.integer({ min: 0, max: 23 }),
    minute: fc.integer({ min: 0, max: 59 }),
    second: fc.integer({ min: 0, max: 59 }),
    micros: fc.integer({ min: 0, max: 999_999 }),
    offsetSeconds: fc.oneof(
      fc.constant(0),
      fc.integer({ min: -15, max: 15 }).map((h) => h * 3600),
      fc.integer({ min: -15 * 60, max: 15 * 60 }).map((m) => m * 60),
      fc.integer({ min: -15 * 3600, max: 15 * 3600 }),
    ),
  })
  .map((p) => {
    const fraction = p.micros ? `.${String(p.micros).padStart(6, '0').replace(/0+$/, '')}` : '';
    const abs = Math.abs(p.offsetSeconds);
    const [h, m, s] = [Math.floor(abs / 3600), Math.floor((abs % 3600) / 60), abs % 60];
    const offset = `${p.offsetSeconds < 0 ? '-' : '+'}${two(h)}${m || s ? `:${two(m)}` : ''}${s ? `:${two(s)}` : ''}`;
    const text = `${p.year}-${two(p.month)}-${two(p.day)} ${two(p.hour)}:${two(p.minute)}:${two(p.second)}${fraction}${offset}`;
    // the instant, from the parts: what the text means, computed without parsing it
    const utc =
      Date.UTC(
        p.year,
        p.month - 1,
        p.day,
        p.hour,
        p.minute,
        p.second,
        Math.floor(p.micros / 1000),
      ) -
      p.offsetSeconds * 1000;
    return { text, utc };
  });

const time = (value: unknown) => (value instanceof Date ? value.getTime() : value);

describe('parseTimestamptz', () => {
  it('reads generated PostgreSQL timestamps as the instant they name, as pg does', () => {
    fc.assert(
      fc.property(pgText, ({ text, utc }) => {
        expect(time(parseTimestamptz(text))).toBe(utc);
        expect(time(parseTimestamptz(text))).toBe(time(pgParse(text)));
      }),
      { seed: 14_2026, numRuns: 5000 },
    );
  });

  it.each([
    'infinity',
    '-infinity',
    '0044-03-15 12:00:00+00 BC',
    '0099-12-31 23:59:59.5+00',
    '12345-01-01 00:00:00+00',
    '2026-12-05 01:15:00.123456+05:30 BC',
    '2026-12-05T01:15:00Z',
    '2026-12-05 01:15:00',
    '2026-12-05 01:15:00+0',
    '2026-12-05 01:15:0x+00',
    '2026-12-05',
    'not a date at all',
  ])('leaves %j to pg’s own parser, with pg’s answer', (text) => {
    expect(time(parseTimestamptz(text))).toEqual(time(pgParse(text)));
  });
});

describe('timestamps through the platform’s pool (real PostgreSQL)', () => {
  let db: TestDatabase;
  let source: DataSource;
  let raw: Client;

  beforeAll(async () => {
    db = await createTestDatabase('timestamptz');
    source = await new DataSource(
      dataSourceOptions(
        {
          service: 'timestamptz-test',
          database: {
            url: db.url,
            poolMax: 2,
            statementTimeoutMs: 5000,
            connectionTimeoutMs: 3000,
            preparedStatements: true,
          },
        },
        { entities: [], migrations: [] },
      ),
    ).initialize();
    raw = new Client({ connectionString: db.url });
    await raw.connect();
  });

  afterAll(async () => {
    await raw?.end();
    await source?.destroy();
    await db?.drop();
  });

  it('reads timestamptz with parseTimestamptz, and every other type as pg does', async () => {
    const pool = (
      source.driver as unknown as { master: { connect(): Promise<Client & { release(): void }> } }
    ).master;
    const client = await pool.connect();
    try {
      expect(client.getTypeParser(TIMESTAMPTZ_OID, 'text')).toBe(parseTimestamptz);
      for (const oid of [16, 20, 23, 1082, 1114, 1700, 3802]) {
        expect(client.getTypeParser(oid, 'text')).toBe(types.getTypeParser(oid, 'text'));
      }
    } finally {
      client.release();
    }
  });

  it('answers the same instants as plain pg, in any session time zone', async () => {
    const instants = fc.sample(
      fc.date({ min: new Date('1000-01-01T00:00:00Z'), max: new Date('9999-12-31T00:00:00Z') }),
      { seed: 7, numRuns: 200 },
    );
    for (const zone of ['UTC', 'Asia/Kolkata', 'America/St_Johns', 'Europe/Paris']) {
      const runner = source.createQueryRunner();
      try {
        await runner.query(`SET TIME ZONE '${zone}'`);
        await raw.query(`SET TIME ZONE '${zone}'`);
        const sql = `SELECT t, t + interval '0.000123 s' AS u FROM unnest($1::timestamptz[]) AS t`;
        const params = [instants.map((d) => d.toISOString())];
        const ours: Array<{ t: Date; u: Date }> = await runner.query(sql, params);
        const plain = (await raw.query<{ t: Date; u: Date }>(sql, params)).rows;
        expect(ours.map((r) => [r.t.getTime(), r.u.getTime()])).toEqual(
          plain.map((r) => [r.t.getTime(), r.u.getTime()]),
        );
        expect(ours.map((r) => r.t.getTime())).toEqual(instants.map((d) => d.getTime()));
      } finally {
        await runner.release();
      }
    }
  });
});
