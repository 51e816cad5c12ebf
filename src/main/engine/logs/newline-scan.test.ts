import { describe, expect, it } from 'vitest';
import { NewlineScan } from './newline-scan';

describe('NewlineScan', () => {
  it('finds every newline in a range, growing past its first array', () => {
    const text = 'a\n'.repeat(5000) + 'tail';
    const scan = new NewlineScan().scan(Buffer.from(text));
    expect(scan.count).toBe(5000);
    expect(Array.from(scan.positions.subarray(0, 3))).toEqual([1, 3, 5]);
    expect(scan.positions[4999]).toBe(9999);
    const part = new NewlineScan().scan(Buffer.from('x\ny\nz\n'), 2, 4);
    expect(Array.from(part.positions.subarray(0, part.count))).toEqual([3]);
    expect(new NewlineScan().scan(new Uint8Array([104, 10])).count).toBe(1); // a plain Uint8Array
  });
});
