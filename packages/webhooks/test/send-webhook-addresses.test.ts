import { sendWebhook } from '../src/send-webhook';
import { startConnectionCounter, startReceiver } from './support/receiver';

// Only loopback forms: no request in this file may leave this machine.
describe('sendWebhook address checks', () => {
  const send = (url: string, policy = {}) => sendWebhook(url, { body: '{}', headers: {}, policy, timeoutMs: 5_000 });

  it('refuses every form of 127.0.0.1 and a name resolving to it, before any connection is made', async () => {
    const listener = await startConnectionCounter();
    try {
      const port = listener.port;
      const forms = [
        `http://127.0.0.1:${port}/`,
        `http://2130706433:${port}/`,
        `http://0x7f000001:${port}/`,
        `http://0x7f.0.0.1:${port}/`,
        `http://0177.0.0.1:${port}/`,
        `http://127.1:${port}/`,
        `http://[::ffff:127.0.0.1]:${port}/`,
        `http://[::ffff:7f00:1]:${port}/`,
        `http://localhost:${port}/`,
      ];
      const outcomes = await Promise.all(forms.map((url) => send(url)));
      for (const outcome of outcomes) {
        expect(outcome).toEqual({
          answered: false,
          error: expect.stringMatching(/is not allowed: (localhost resolves to )?127\.0\.0\.1, a loopback address$/),
        });
      }
      expect(listener.connections()).toBe(0);
    } finally {
      await listener.close();
    }
  });

  it('with FENTA_ALLOW_LOOPBACK_URLS (allowLoopback), reaches a receiver on this machine', async () => {
    const receiver = await startReceiver();
    try {
      expect(await send(receiver.url, { allowLoopback: true })).toEqual({ answered: true, status: 200, body: 'ok' });
    } finally {
      await receiver.close();
    }
  });

  it('follows a 307 from the allowed receiver to another loopback port only after checking it again: refused, nothing sent there', async () => {
    const other = await startConnectionCounter();
    const receiver = await startReceiver((_request, _index, response) => response.writeHead(307, { location: `http://127.0.0.1:${other.port}/stolen` }).end());
    try {
      expect(await send(receiver.url, { allowSockets: [receiver.socket] })).toEqual({
        answered: false,
        error: `URL http://127.0.0.1:${other.port}/stolen is not allowed: 127.0.0.1, a loopback address`,
      });
      expect(receiver.requests).toHaveLength(1);
      expect(other.connections()).toBe(0);
    } finally {
      await receiver.close();
      await other.close();
    }
  });

  it('follows a 308 to an allowed place with the same body and headers, and answers a 302 as a failure without following it', async () => {
    const target = await startReceiver((_request, _index, response) => response.writeHead(204).end());
    const receiver = await startReceiver((request, _index, response) =>
      response.writeHead(request.path === '/moved' ? 308 : 302, { location: `${target.url}/new` }).end(),
    );
    try {
      const policy = { allowSockets: [receiver.socket, target.socket] };
      expect(
        await sendWebhook(`${receiver.url}/moved`.replace('/hooks', ''), { body: '{"a":1}', headers: { 'webhook-id': 'msg_1' }, policy, timeoutMs: 5_000 }),
      ).toEqual({
        answered: true,
        status: 204,
        body: '',
      });
      expect(target.requests.map((request) => [request.method, request.path, request.body, request.headers['webhook-id']])).toEqual([
        ['POST', '/hooks/new', '{"a":1}', 'msg_1'],
      ]);
      expect(await send(receiver.url, policy)).toEqual({ answered: true, status: 302, body: '' });
      expect(target.requests).toHaveLength(1);
    } finally {
      await receiver.close();
      await target.close();
    }
  });
});
