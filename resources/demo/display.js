// Stands in for a kiosk display: renders a coloured frame counter, as a real piece logs frames.
const colours = [31, 32, 33, 34, 35, 36];
let frame = 0;
console.log('\x1b[1mdisplay: showing the piece\x1b[0m');
const timer = setInterval(() => {
  frame++;
  const colour = colours[frame % colours.length];
  console.log(`\x1b[${colour}m■\x1b[0m frame ${frame} at ${new Date().toISOString()}`);
}, 2000);
process.on('SIGTERM', () => {
  clearInterval(timer);
  console.log('display: blanking the screen');
  process.exit(0);
});
