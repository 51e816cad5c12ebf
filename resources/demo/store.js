// A tiny key-value store over TCP ("SET k v" / "GET k"), standing in for a database.
const net = require('node:net');
const port = Number(process.env.STORE_PORT || 47301);
const data = new Map();
const server = net.createServer((socket) => {
  socket.setEncoding('utf8');
  let buffered = '';
  socket.on('data', (chunk) => {
    buffered += chunk;
    let newline;
    while ((newline = buffered.indexOf('\n')) >= 0) {
      const [command, key, ...rest] = buffered.slice(0, newline).trim().split(' ');
      buffered = buffered.slice(newline + 1);
      if (command === 'SET') data.set(key, rest.join(' '));
      socket.write(command === 'GET' ? `${data.get(key) ?? ''}\n` : 'OK\n');
    }
  });
  socket.on('error', () => {});
});
server.listen(port, '127.0.0.1', () => console.log(`store listening on 127.0.0.1:${port}`));
process.on('SIGTERM', () => {
  console.log('store: closing');
  server.close(() => process.exit(0));
});
