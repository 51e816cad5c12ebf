import { describe, expect, it } from 'vitest';
import { panelUrl, parsePanelUrl } from './panel-url';

describe('panel URL', () => {
  it('round-trips the token, whatever its characters', () => {
    for (const token of ['abc_DEF-123', 'with space&and=signs/?#', 'ünïcode']) {
      const printed = panelUrl('http://127.0.0.1:7420/', token);
      expect(printed.startsWith('http://127.0.0.1:7420/?token=')).toBe(true);
      expect(parsePanelUrl(printed)).toEqual({ url: 'http://127.0.0.1:7420', token });
    }
  });

  it('takes #token= too, and a bare origin has none', () => {
    expect(parsePanelUrl('http://[::1]:9/#token=t1')).toEqual({ url: 'http://[::1]:9', token: 't1' });
    expect(parsePanelUrl('http://127.0.0.1:9')).toEqual({ url: 'http://127.0.0.1:9', token: null });
  });

  it('rejects what is not an http(s) URL', () => {
    expect(() => parsePanelUrl('ftp://127.0.0.1:7420/')).toThrow(/not an http/);
    expect(() => parsePanelUrl('nonsense')).toThrow(/not a URL/);
  });
});
