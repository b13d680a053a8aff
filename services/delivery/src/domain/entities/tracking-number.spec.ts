import { TrackingNumber } from './tracking-number';

describe('TrackingNumber', () => {
  it('generates NC and ten Crockford base32 characters', () => {
    for (let i = 0; i < 200; i += 1) {
      const value = TrackingNumber.generate();
      expect(value).toMatch(/^NC[0-9A-HJKMNP-TV-Z]{10}$/);
      expect(TrackingNumber.isValid(value)).toBe(true);
    }
  });

  it('maps every byte onto the alphabet (low five bits)', () => {
    expect(TrackingNumber.generate(() => new Uint8Array(10).fill(0))).toBe('NC0000000000');
    expect(TrackingNumber.generate(() => new Uint8Array(10).fill(255))).toBe('NCZZZZZZZZZZ');
    expect(TrackingNumber.generate(() => Uint8Array.from([0, 1, 2, 3, 4, 5, 18, 19, 20, 31]))).toBe(
      'NC012345JKMZ',
    );
  });

  it('draws different numbers', () => {
    const drawn = new Set(Array.from({ length: 1000 }, () => TrackingNumber.generate()));
    expect(drawn.size).toBe(1000);
  });

  it.each([
    ['NC7K2M9QX4TB', 'NC7K2M9QX4TB'],
    ['nc7k2m9qx4tb', 'NC7K2M9QX4TB'],
    [' NC 7K2M-9QX4-TB ', 'NC7K2M9QX4TB'],
    ['NC7K2M9QX4TO', 'NC7K2M9QX4T0'],
    ['NCIL2M9QX4TB', 'NC112M9QX4TB'],
  ])('normalizes %p to %s', (input, expected) => {
    expect(TrackingNumber.normalize(input)).toBe(expected);
  });

  it.each([
    '',
    'NC',
    'NC7K2M9QX4T',
    'NC7K2M9QX4TBB',
    'XX7K2M9QX4TB',
    'NC7K2M9QX4TU',
    'NC7K2M9QX4T!',
  ])('refuses %p', (input) => {
    expect(TrackingNumber.normalize(input)).toBeNull();
  });
});
