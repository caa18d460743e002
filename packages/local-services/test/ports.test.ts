import net from 'node:net';
import { assertPortFree, findFreePort, isPortFree } from '@fenta/local-services';

describe('ports', () => {
  it('tells a free port from a taken one, and names the variable to change when it is taken', async () => {
    const port = await findFreePort();
    expect(await isPortFree('127.0.0.1', port)).toBe(true);
    const server = net.createServer();
    await new Promise<void>((resolve) => server.listen(port, '127.0.0.1', resolve));
    try {
      expect(await isPortFree('127.0.0.1', port)).toBe(false);
      await expect(assertPortFree({ host: '127.0.0.1', port, service: 'redis-server', variable: 'FENTA_REDIS_PORT' })).rejects.toMatchObject({
        code: 'PORT_IN_USE',
        message: `Port ${port} on 127.0.0.1 is already in use (redis-server); set FENTA_REDIS_PORT to a free port`,
      });
    } finally {
      await new Promise((resolve) => server.close(resolve));
    }
  });
});
