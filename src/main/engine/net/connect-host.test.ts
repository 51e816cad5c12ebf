import { describe, expect, it } from 'vitest';
import { connectHost } from './connect-host';
import { isLoopbackHost } from './loopback-host';

describe('connectHost', () => {
  it('reaches an IPv4 wildcard bind through IPv4 loopback', () => {
    expect(connectHost('0.0.0.0')).toBe('127.0.0.1');
    expect(connectHost('')).toBe('127.0.0.1');
  });

  it('reaches an IPv6 wildcard bind through IPv6 loopback, which answers even where the bind is v6-only', () => {
    expect(connectHost('::')).toBe('[::1]');
    expect(connectHost('[::]')).toBe('[::1]');
  });

  it('brackets a bare IPv6 address for a URL and keeps names and IPv4 addresses', () => {
    expect(connectHost('::1')).toBe('[::1]');
    expect(connectHost('[fe80::1]')).toBe('[fe80::1]');
    expect(connectHost('127.0.0.1')).toBe('127.0.0.1');
    expect(connectHost('localhost')).toBe('localhost');
  });

  it('gives a client address that counts as loopback for every loopback or wildcard bind', () => {
    for (const host of ['0.0.0.0', '::', '127.0.0.1', '::1', 'localhost']) expect(isLoopbackHost(connectHost(host))).toBe(true);
    expect(isLoopbackHost('LOCALHOST')).toBe(true);
    expect(isLoopbackHost('192.168.1.2')).toBe(false);
  });
});
