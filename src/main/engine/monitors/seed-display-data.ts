// A runtime's `display` event as an entry of `displayData` in seed 001's shape:
// `{ mimeType, data: base64, assetId: null }`, where `mimeType` is the richest type the MIME
// bundle offers and `data` is that representation's bytes in base64 (images already are;
// text is encoded from UTF-8, JSON from its text). An editor that follows the seed reads
// those three fields. The whole bundle and its metadata stay beside them (`bundle`,
// `metadata`) for readers that want another representation, such as the plain text.
import type { DisplayData } from './execution-entry';

// Richest first: what an editor would rather render.
const MIME_PREFERENCE = ['image/svg+xml', 'image/png', 'image/jpeg', 'image/gif', 'text/html', 'text/markdown', 'text/latex', 'application/json', 'text/plain'];

/** Types whose MIME-bundle value is base64 already (Jupyter's and MRP's convention). */
const isBinary = (mimeType: string): boolean => mimeType.startsWith('image/') && mimeType !== 'image/svg+xml';

export function seedDisplayData(bundle: Record<string, unknown>, metadata: Record<string, unknown> = {}): DisplayData {
  const mimeType = MIME_PREFERENCE.find((mime) => mime in bundle) ?? Object.keys(bundle)[0] ?? 'text/plain';
  const value = bundle[mimeType];
  return { mimeType, data: toBase64(mimeType, value), assetId: null, bundle, metadata };
}

function toBase64(mimeType: string, value: unknown): string {
  if (value === undefined || value === null) return '';
  if (typeof value === 'string') return isBinary(mimeType) ? value.replace(/\s+/g, '') : Buffer.from(value, 'utf8').toString('base64');
  return Buffer.from(JSON.stringify(value), 'utf8').toString('base64');
}
