import { describe, expect, it } from 'vitest';
import { normalizeDevicePath, PathPattern } from './path-pattern';

describe('PathPattern', () => {
  it('maps a /dev requirement under another device root', () => {
    const pattern = new PathPattern('/dev/gradi-cam', '/tmp/x');
    expect(pattern.fsDir).toBe('/tmp/x');
    expect(pattern.dir).toBe('/dev');
    expect(pattern.name).toBe('gradi-cam');
  });

  it('keeps nested folders and leaves /dev itself alone with the default root', () => {
    expect(new PathPattern('/dev/serial/by-id/usb-Arduino*', '/tmp/x').fsDir).toBe('/tmp/x/serial/by-id');
    expect(new PathPattern('/dev/serial/by-id/usb-Arduino*').fsDir).toBe('/dev/serial/by-id');
  });

  it('looks up paths outside /dev where they are', () => {
    expect(new PathPattern('/run/showrunner/lamp', '/tmp/x').fsDir).toBe('/run/showrunner');
  });

  it('normalizes relative and doubled-slash spellings to one path', () => {
    expect(normalizeDevicePath('gradi-cam')).toBe('/dev/gradi-cam');
    expect(normalizeDevicePath('/dev//gradi-cam/')).toBe('/dev/gradi-cam');
  });

  it('matches globs in the last segment only against names in its directory', () => {
    const pattern = new PathPattern('/dev/gradi-cam*');
    expect(pattern.isGlob).toBe(true);
    expect(pattern.matches('/dev/gradi-cam')).toBe(true);
    expect(pattern.matches('/dev/gradi-cam2')).toBe(true);
    expect(pattern.matches('/dev/gradi-mic')).toBe(false);
    expect(pattern.matches('/dev/sub/gradi-cam')).toBe(false);
  });

  it('supports ? and character classes and treats regex characters literally', () => {
    expect(new PathPattern('/dev/ttyACM[0-3]').matches('/dev/ttyACM2')).toBe(true);
    expect(new PathPattern('/dev/ttyACM[!0-3]').matches('/dev/ttyACM2')).toBe(false);
    expect(new PathPattern('/dev/video?').matches('/dev/video7')).toBe(true);
    expect(new PathPattern('/dev/a.b*').matches('/dev/axb')).toBe(false);
    expect(new PathPattern('/dev/a.b*').matches('/dev/a.b-1')).toBe(true);
  });

  it('flags a glob in a directory part as a problem instead of guessing', () => {
    expect(new PathPattern('/dev/serial/*/usb-Arduino').problem).toMatch(/last path segment/);
    expect(new PathPattern('/dev/serial/by-id/usb-*').problem).toBeNull();
  });
});
