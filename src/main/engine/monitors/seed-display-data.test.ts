import { describe, expect, it } from 'vitest';
import { seedDisplayData } from './seed-display-data';

describe('seedDisplayData', () => {
  it('names the richest type and gives its bytes in base64, with the bundle beside them', () => {
    const png = Buffer.from('\x89PNG fake').toString('base64');
    expect(seedDisplayData({ 'text/plain': '<Figure>', 'image/png': `${png}\n` }, { 'image/png': { width: 4 } })).toEqual({
      mimeType: 'image/png',
      data: png,
      assetId: null,
      bundle: { 'text/plain': '<Figure>', 'image/png': `${png}\n` },
      metadata: { 'image/png': { width: 4 } },
    });
    expect(seedDisplayData({ 'text/plain': 'Card()', 'text/html': '<b>é</b>' })).toMatchObject({ mimeType: 'text/html', data: Buffer.from('<b>é</b>').toString('base64') });
    expect(seedDisplayData({ 'application/json': { a: [1] } })).toMatchObject({ mimeType: 'application/json', data: Buffer.from('{"a":[1]}').toString('base64') });
    expect(seedDisplayData({ 'application/x-custom': 'x' })).toMatchObject({ mimeType: 'application/x-custom', data: Buffer.from('x').toString('base64') });
  });
});
