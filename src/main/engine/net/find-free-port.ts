// A free loopback port, for a built-in part that needs a fixed address its clients can know
// before it starts. The port is free when asked; a race with another program is reported by
// the part's own start failure and its restart.
import { createServer } from 'node:net';

export function findFreePort(host = '127.0.0.1'): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, host, () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}
