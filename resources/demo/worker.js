// Reads a (simulated) sensor and, like real hardware code, sometimes crashes: the supervisor
// restarts it with backoff, which the panel shows.
const lifetimeMs = 20_000 + Math.random() * 20_000;
let reading = 20;
const timer = setInterval(() => {
  reading += (Math.random() - 0.5) * 0.8;
  console.log(`sensor: ${reading.toFixed(2)} °C`);
}, 3000);
setTimeout(() => {
  clearInterval(timer);
  console.error('\x1b[31msensor worker: lost the sensor (simulated crash)\x1b[0m');
  process.exit(1);
}, lifetimeMs);
process.on('SIGTERM', () => process.exit(0));
