// Which Host headers the summary server answers (DNS rebinding guard).
import { describe, expect, it } from 'vitest';
import { hostChecker } from '../../../../src/exporters/summary/host-check';

describe('hostChecker', () => {
  const loopback = hostChecker('127.0.0.1', 9109, []);
  it.each([
    ['127.0.0.1:9109', true],
    ['localhost:9109', true],
    ['LOCALHOST:9109', true],
    ['[::1]:9109', true],
    [' localhost:9109 ', true],
    ['localhost:9110', false],
    ['localhost', false],
    ['127.0.0.2:9109', false],
    ['evil.example:9109', false],
    ['evil.example', false],
    ['localhost.evil.example:9109', false],
    ['', false],
    [undefined, false],
  ])('bound to 127.0.0.1: Host %j → %s', (host, allowed) => {
    expect(loopback(host)).toBe(allowed);
  });

  const anywhere = hostChecker('0.0.0.0', 9109, [' Metrics.Internal ', 'ops.example.com:443']);
  it.each([
    ['metrics.internal:9109', true],
    ['metrics.internal', true],
    ['METRICS.INTERNAL:9109', true],
    ['metrics.internal:80', false],
    ['ops.example.com:443', true],
    ['ops.example.com', false],
    ['ops.example.com:9109', false],
    ['10.1.2.3:9109', true],
    ['[fd00::1]:9109', true],
    ['10.1.2.3:80', false],
    ['localhost:9109', true],
    ['0.0.0.0:9109', true],
    ['evil.example:9109', false],
  ])('bound to 0.0.0.0 with allowed hosts: Host %j → %s', (host, allowed) => {
    expect(anywhere(host)).toBe(allowed);
  });

  it('takes the bound host itself, IPv6 in brackets', () => {
    expect(hostChecker('::1', 9109, [])('[::1]:9109')).toBe(true);
    expect(hostChecker('box.local', 9109, [])('box.local:9109')).toBe(true);
    expect(hostChecker('box.local', 9109, [])('10.0.0.1:9109')).toBe(true);
  });
});
