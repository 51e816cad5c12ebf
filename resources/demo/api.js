// An HTTP API that counts visitors in the store; /health answers 200 once the store is reachable.
const http = require('node:http');
const net = require('node:net');
const port = Number(process.env.API_PORT || 47302);
const storePort = Number(process.env.STORE_PORT || 47301);

function ask(line) {
  return new Promise((resolve, reject) => {
    const socket = net.connect(storePort, '127.0.0.1', () => socket.write(line + '\n'));
    socket.setEncoding('utf8');
    socket.once('data', (reply) => {
      socket.end();
      resolve(reply.trim());
    });
    socket.once('error', reject);
    socket.setTimeout(1000, () => socket.destroy(new Error('store timeout')));
  });
}

let visitors = 0;
const server = http.createServer(async (request, response) => {
  try {
    if (request.url === '/health') {
      await ask('GET visitors');
      response.writeHead(200, { 'Content-Type': 'application/json' }).end('{"status":"healthy"}');
      return;
    }
    visitors++;
    await ask(`SET visitors ${visitors}`);
    console.log(`visitor ${visitors} asked for ${request.url}`);
    response.writeHead(200, { 'Content-Type': 'application/json' }).end(JSON.stringify({ visitors }));
  } catch (error) {
    console.error(`store unreachable: ${error.message}`);
    response.writeHead(503).end();
  }
});
server.listen(port, '127.0.0.1', () => console.log(`api listening on http://127.0.0.1:${port}`));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
