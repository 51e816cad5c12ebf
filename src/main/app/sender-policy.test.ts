import { describe, expect, it } from 'vitest';
import { checkSender, isAppUrl } from './sender-policy';

describe('checkSender', () => {
  it('accepts the main frame of the app origin', () => {
    expect(checkSender({ frameUrl: 'app://showrunner/index.html', isMainFrame: true })).toEqual({ ok: true });
  });

  it('rejects an iframe even of our own origin', () => {
    expect(checkSender({ frameUrl: 'app://showrunner/index.html', isMainFrame: false })).toEqual({ ok: false, reason: 'not the top-level frame' });
  });

  it('rejects remote pages, file URLs and look-alike hosts', () => {
    for (const frameUrl of ['https://example.com/', 'file:///etc/passwd', 'app://showrunner.evil/', 'app://evil/', 'about:blank', 'not a url']) {
      expect(checkSender({ frameUrl, isMainFrame: true }).ok).toBe(false);
    }
  });

  it('accepts the dev server only when one is configured', () => {
    expect(isAppUrl('http://localhost:5173/')).toBe(false);
    expect(isAppUrl('http://localhost:5173/', 'http://localhost:5173')).toBe(true);
    expect(isAppUrl('http://localhost:5174/', 'http://localhost:5173')).toBe(false);
  });
});
