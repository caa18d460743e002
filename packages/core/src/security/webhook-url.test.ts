import { checkWebhookUrl, type HostResolver } from './webhook-url';

// No check here sends anything anywhere: literals are judged as they are, names go to the resolver each test gives
// (only `localhost` reaches the system resolver, which answers it from /etc/hosts).
const open = { requireHttps: false, allowLoopback: false };
const noLookup: HostResolver = () => Promise.reject(new Error('this test resolves no name'));

const reasonFor = async (url: string, policy = open, resolve = noLookup) => {
  const check = await checkWebhookUrl(url, policy, resolve);
  return check.ok ? 'ok' : check.reason;
};

describe('checkWebhookUrl', () => {
  it('accepts a public address, http outside production', async () => {
    const check = await checkWebhookUrl('http://93.184.216.34/hooks?token=x', open, noLookup);
    expect(check).toMatchObject({ ok: true, addresses: ['93.184.216.34'] });
    expect(await reasonFor('https://[2606:4700:4700::1111]/h')).toBe('ok');
  });

  it.each([
    ['http://127.0.0.1/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://[::1]:8080/h', '::1 is not a public address (loopback)'],
    ['http://[::ffff:127.0.0.1]/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://[::ffff:a00:1]/h', '10.0.0.1 is not a public address (private)'],
    ['http://2130706433/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://0x7f000001/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://0177.0.0.1/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://127.1/h', '127.0.0.1 is not a public address (loopback)'],
    ['http://10.0.0.1/h', '10.0.0.1 is not a public address (private)'],
    ['http://192.168.1.20/h', '192.168.1.20 is not a public address (private)'],
    ['http://169.254.169.254/latest/meta-data', '169.254.169.254 is not a public address (link-local)'],
    ['http://100.64.0.1/h', '100.64.0.1 is not a public address (carrier-grade-nat)'],
    ['http://[fd00::1]/h', 'fd00::1 is not a public address (unique-local)'],
    ['http://[fe80::1]/h', 'fe80::1 is not a public address (link-local)'],
    ['http://[64:ff9b::7f00:1]/h', '64:ff9b::7f00:1 is not a public address (ipv4-embedding)'],
    ['http://0.0.0.0/h', '0.0.0.0 is not a public address (unspecified)'],
    ['ftp://93.184.216.34/h', 'scheme ftp is not http or https'],
    ['file:///etc/passwd', 'scheme file is not http or https'],
    ['https://user:pw@93.184.216.34/h', 'it must not carry a user name or password (put a token in the path or query instead)'],
    ['not a url', 'it is not an absolute URL'],
  ])('refuses %s', async (url, reason) => {
    expect(await reasonFor(url)).toBe(reason);
  });

  it('takes https only when the policy asks for it', async () => {
    expect(await reasonFor('http://93.184.216.34/h', { requireHttps: true, allowLoopback: false })).toBe('it must use https, not http');
    expect(await reasonFor('https://93.184.216.34/h', { requireHttps: true, allowLoopback: false })).toBe('ok');
  });

  it('accepts loopback, and only loopback, when allowed', async () => {
    const loopback = { requireHttps: false, allowLoopback: true };
    expect(await reasonFor('http://127.0.0.1:9000/h', loopback)).toBe('ok');
    expect(await reasonFor('http://[::ffff:127.0.0.1]/h', loopback)).toBe('ok');
    expect(await reasonFor('http://10.0.0.1/h', loopback)).toBe('10.0.0.1 is not a public address (private)');
    expect(await checkWebhookUrl('http://localhost:9000/h', loopback)).toMatchObject({ ok: true });
    const refused = await checkWebhookUrl('http://localhost:9000/h', open);
    expect(refused.ok ? 'accepted' : refused.reason).toMatch(/^localhost resolves to (127\.0\.0\.1|::1), which is not a public address \(loopback\)$/);
  });

  it('judges every address a name resolves to', async () => {
    const resolve: HostResolver = (host) => Promise.resolve(host === 'hooks.example' ? ['93.184.216.34', '10.1.2.3'] : ['93.184.216.34']);
    expect(await reasonFor('https://hooks.example/h', open, resolve)).toBe('hooks.example resolves to 10.1.2.3, which is not a public address (private)');
    expect(await checkWebhookUrl('https://other.example/h', open, resolve)).toMatchObject({ ok: true, addresses: ['93.184.216.34'] });
    expect(await reasonFor('https://empty.example/h', open, () => Promise.resolve([]))).toBe('empty.example has no address');
  });

  it('refuses a name that does not exist, and says a resolver failure may pass', async () => {
    const failing =
      (code: string): HostResolver =>
      () =>
        Promise.reject(Object.assign(new Error(code), { code }));
    expect(await checkWebhookUrl('https://gone.example/h', open, failing('ENOTFOUND'))).toEqual({
      ok: false,
      unavailable: false,
      reason: 'gone.example does not resolve (ENOTFOUND)',
    });
    expect(await checkWebhookUrl('https://flaky.example/h', open, failing('EAI_AGAIN'))).toEqual({
      ok: false,
      unavailable: true,
      reason: 'cannot resolve flaky.example now (EAI_AGAIN)',
    });
    const silent: HostResolver = () => new Promise(() => undefined);
    expect(await checkWebhookUrl('https://silent.example/h', open, silent, 50)).toEqual({
      ok: false,
      unavailable: true,
      reason: 'cannot resolve silent.example now (ETIMEOUT)',
    });
  });
});
