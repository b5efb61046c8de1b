// The closing helpers behind every bounded shutdown (issue 27): a wait that gives up on time, and
// sockets destroyed and refused once their owner closed.
import { createServer, type Server, type Socket } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { closeSockets, settlesWithin, trackingSocketFactory } from '../../../../src/exporters/kafka/client';

describe('settlesWithin', () => {
  it('is true for work that settles in time, resolved or rejected', async () => {
    expect(await settlesWithin(Promise.resolve(1), 50)).toBe(true);
    expect(await settlesWithin(Promise.reject(new Error('refused')), 50)).toBe(true);
  });

  it('is false once the time runs out, without waiting for the work', async () => {
    const started = performance.now();
    expect(await settlesWithin(new Promise(() => {}), 100)).toBe(false);
    const waited = performance.now() - started;
    expect(waited).toBeGreaterThanOrEqual(95);
    expect(waited).toBeLessThan(1000);
  });

  it('does not wait at all for a deadline already past', async () => {
    expect(await settlesWithin(new Promise(() => {}), -500)).toBe(false);
  });
});

describe('closeSockets', () => {
  let server: Server;
  let port = 0;
  beforeAll(async () => {
    // Accepts and never answers, as a partitioned broker does.
    server = createServer((socket) => socket.on('error', () => undefined));
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    port = (server.address() as { port: number }).port;
  });
  afterAll(async () => {
    await new Promise((resolve) => server.close(resolve));
  });

  it('destroys every tracked socket and refuses the ones opened after it', async () => {
    const sockets = new Set<Socket>();
    const factory = trackingSocketFactory(sockets);
    const open = (): Socket => factory({ host: '127.0.0.1', port, ssl: false as never, onConnect: () => undefined }) as Socket;
    const first = open();
    await new Promise((resolve) => first.once('connect', resolve));
    expect(sockets.size).toBe(1);
    closeSockets(sockets);
    expect(first.destroyed).toBe(true);
    expect(sockets.size).toBe(0);
    const late = open();
    const error = await new Promise<Error>((resolve) => late.once('error', resolve));
    expect(error.message).toBe('agentmeter: the Kafka client is closed');
    expect(late.destroyed).toBe(true);
    expect(sockets.size).toBe(0);
  });
});
