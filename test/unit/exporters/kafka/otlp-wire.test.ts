import { describe, expect, it } from 'vitest';
import { varintSize, WireBuffer } from '../../../../src/exporters/kafka/otlp-wire';

describe('varintSize', () => {
  it('is the number of bytes varint() writes, at every 7-bit boundary up to 2^53', () => {
    const values = [0, 1];
    for (let bits = 7; bits <= 53; bits += 7) values.push(2 ** bits - 1, 2 ** bits, 2 ** bits + 1);
    values.push(Number.MAX_SAFE_INTEGER);
    const w = new WireBuffer(16);
    const sizes = values.filter((n) => n <= Number.MAX_SAFE_INTEGER).map((n) => {
      w.pos = 0;
      w.varint(n);
      expect(varintSize(n)).toBe(w.pos);
      return w.pos;
    });
    expect(sizes.slice(0, 8)).toEqual([1, 1, 1, 2, 2, 2, 3, 3]);
    expect(varintSize(Number.MAX_SAFE_INTEGER)).toBe(8);
  });
});
