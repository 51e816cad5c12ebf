// A stand-in `docker` CLI for compose tests (there is no Docker engine on these machines).
// Every call is recorded in $FAKE_DOCKER_DIR/calls.log (one JSON line: args, cwd); the world
// (images, containers, what should fail) lives in $FAKE_DOCKER_DIR/state.json, which tests
// write to script failures:
//   engineDown: every call but `compose version` fails as with no engine
//   fail: { build, up }: that command fails
//   badBuilds: builds produce images whose containers report Health "unhealthy"
//   noHealthcheck: containers report Health ""
//   crash: { <service>: exitCode }: the container exits right after `up`
//   buildDelayMs: a build takes this long
//   logsNeverEnd: `logs -f` keeps following after the container stopped (only `ps` tells)
'use strict';
const fs = require('node:fs');
const path = require('node:path');

const dir = process.env.FAKE_DOCKER_DIR;
if (!dir) {
  process.stderr.write('fake docker: FAKE_DOCKER_DIR is not set\n');
  process.exit(2);
}
const args = process.argv.slice(2);
const stateFile = path.join(dir, 'state.json');
fs.appendFileSync(path.join(dir, 'calls.log'), JSON.stringify({ args, cwd: process.cwd() }) + '\n');

function load() {
  try {
    return JSON.parse(fs.readFileSync(stateFile, 'utf8'));
  } catch {
    return {};
  }
}
function save(state) {
  const temp = `${stateFile}.${process.pid}.tmp`;
  fs.writeFileSync(temp, JSON.stringify(state, null, 1));
  fs.renameSync(temp, stateFile);
}
function fail(message, code = 1) {
  process.stderr.write(message + '\n');
  process.exit(code);
}

const state = load();
state.images ??= {};
state.containers ??= {};
state.badImages ??= [];

if (args[0] === 'image' && args[1] === 'tag') {
  if (state.engineDown) fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
  const [source, target] = args.slice(2);
  if (!(source in state.images)) fail(`Error response from daemon: No such image: ${source}`);
  state.images[target] = state.images[source];
  save(state);
  process.exit(0);
}
if (args[0] !== 'compose') fail(`fake docker: unsupported: ${args.join(' ')}`);

let projectDir = process.cwd();
const rest = [];
for (let i = 1; i < args.length; i++) {
  if (args[i] === '--project-directory') projectDir = args[++i];
  else if (args[i] === '-f') i++;
  else rest.push(args[i]);
}
const [command, ...options] = rest;
const service = options.filter((word) => !word.startsWith('-')).at(-1);
if (command === 'version') {
  process.stdout.write('Docker Compose version v2.99.0-fake\n');
  process.exit(0);
}
if (state.engineDown) fail('Cannot connect to the Docker daemon at unix:///var/run/docker.sock. Is the docker daemon running?');
const project = path.basename(projectDir);
const image = `${project}-${service}`;

switch (command) {
  case 'ps': {
    const container = state.containers[service];
    if (container) {
      const record = { Name: `${project}-${service}-1`, Service: service, State: container.state, Health: container.health, ExitCode: container.exitCode, Image: image };
      process.stdout.write(JSON.stringify(record) + '\n');
    }
    break;
  }
  case 'up': {
    if (state.fail?.up) fail(`Error response from daemon: fake up failure for ${service}`);
    state.images[image] ??= 'img-0';
    const id = state.images[image];
    const crash = state.crash?.[service];
    const health = state.noHealthcheck ? '' : state.badImages.includes(id) ? 'unhealthy' : 'healthy';
    state.containers[service] = crash === undefined ? { state: 'running', health, exitCode: 0, imageId: id } : { state: 'exited', health: '', exitCode: crash, imageId: id };
    save(state);
    process.stdout.write(` Container ${project}-${service}-1  Started (${id})\n`);
    break;
  }
  case 'stop':
  case 'restart': {
    const container = state.containers[service];
    if (container) Object.assign(container, command === 'stop' ? { state: 'exited', exitCode: 0 } : { state: 'running' });
    save(state);
    process.stdout.write(` Container ${project}-${service}-1  ${command === 'stop' ? 'Stopped' : 'Started'}\n`);
    break;
  }
  case 'build': {
    process.stdout.write(`#1 building ${service}\n`);
    // A slow build, cut short once a test sets buildDelayMs back to 0 (so none outlives its test).
    const until = Date.now() + (state.buildDelayMs ?? 0);
    while (Date.now() < until && load().buildDelayMs) Atomics.wait(new Int32Array(new SharedArrayBuffer(4)), 0, 0, 100);
    if (state.fail?.build) fail('failed to solve: process "/bin/sh -c exit 1" did not complete successfully: exit code: 1');
    state.builds = (state.builds ?? 0) + 1;
    const id = `img-${state.builds}`;
    state.images[image] = id;
    if (state.badBuilds) state.badImages.push(id);
    save(state);
    process.stdout.write(`#2 naming to docker.io/library/${image} done (${id})\n`);
    break;
  }
  case 'logs': {
    process.stdout.write(`${service} says hello\n`);
    // Follows until the container no longer runs, as `logs -f` does.
    const timer = setInterval(() => {
      const container = load().containers?.[service];
      if ((!container || container.state !== 'running') && !load().logsNeverEnd) {
        clearInterval(timer);
        process.exit(0);
      }
    }, 100);
    break;
  }
  default:
    fail(`fake docker: unsupported compose command: ${command}`);
}
