// The demo's own lines: an endpoint that cannot listen names the demo's flag and says the demo
// exits; the first URL line says how the demo will end.
import { describe, expect, it } from 'vitest';
import { cannotListenLine, stopHint } from '../../../src/cli/demo-messages';

describe('cannotListenLine', () => {
  const err = new Error('listen EADDRINUSE: address already in use 127.0.0.1:9464');
  it.each([
    ['prometheus', '127.0.0.1:9464', 'agentmeter demo: the Prometheus endpoint cannot listen on 127.0.0.1:9464 (listen EADDRINUSE: address already in use 127.0.0.1:9464); the demo exits: give --port a free port, or --port 0 to pick one'],
    ['summary', '[::1]:9109', 'agentmeter demo: the status page cannot listen on [::1]:9109 (listen EADDRINUSE: address already in use 127.0.0.1:9464); the demo exits: give --summary-port a free port, or --summary-port 0 to pick one'],
  ] as const)('%s', (endpoint, address, line) => {
    expect(cannotListenLine({ endpoint, address, err })).toBe(line);
  });

  it('never speaks of the app variables or of recording going on', () => {
    const line = cannotListenLine({ endpoint: 'prometheus', address: '127.0.0.1:1', err: 'EACCES' });
    expect(line).toBe('agentmeter demo: the Prometheus endpoint cannot listen on 127.0.0.1:1 (EACCES); the demo exits: give --port a free port, or --port 0 to pick one');
  });
});

describe('stopHint', () => {
  it.each([
    [{}, '(Ctrl-C to stop)'],
    [{ durationMillis: 30000 }, '(stops after 30 s, or on Ctrl-C)'],
    [{ requests: 200 }, '(200 requests, then serving the numbers; Ctrl-C to stop)'],
    [{ requests: 5, durationMillis: 1500 }, '(5 requests, then serving the numbers; stops after 1.5 s, or on Ctrl-C)'],
  ])('%j → %s', (options, hint) => {
    expect(stopHint(options)).toBe(hint);
  });
});
