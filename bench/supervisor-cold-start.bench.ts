// Issue 5: cold start of a 20-service DAG (5 levels of 4; each service depends on two of the
// level before, condition healthy) whose services open their port after a known delay and
// are probed over HTTP or TCP at a realistic 1 s interval. Compared with the DAG's critical
// path of those delays (goal ≤ 1.05×), with that path once each step also pays a process
// start measured in this run (bash -lc + node until its port accepts), and with an ideal
// scheduler run on the same DAG in the same run (same CPU contention, 2 ms readiness polls).
// SUPERVISOR_COLD_START_ROUNDS sets the number of cold starts (default 3; the median is shown).
import { spawn } from 'node:child_process';
import { mkdtemp, rm } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import type { HealthSpec, ServiceSpec } from '../src/main/engine/config/manifest-types';
import { Supervisor } from '../src/main/engine/supervisor/supervisor';
import { serviceSpec } from '../test/fixtures/service-spec';
import { median } from './figures';

const rounds = Math.max(1, Number(process.env.SUPERVISOR_COLD_START_ROUNDS ?? 3));
const LEVELS = 5;
const WIDTH = 4;
const FIXTURE = join(import.meta.dirname, '..', 'test', 'fixtures', 'listen-after.js');

interface Node {
  name: string;
  delayMs: number;
  deps: string[];
  kind: 'http' | 'tcp';
}

function buildDag(): Node[] {
  const nodes: Node[] = [];
  let seed = 7;
  const random = (): number => ((seed = (seed * 48271) % 2147483647) / 2147483647);
  for (let level = 0; level < LEVELS; level++) {
    for (let i = 0; i < WIDTH; i++) {
      nodes.push({
        name: `s${level}-${i}`,
        delayMs: Math.round(150 + random() * 350),
        deps: level === 0 ? [] : [`s${level - 1}-${i}`, `s${level - 1}-${(i + 1) % WIDTH}`],
        kind: i % 2 === 0 ? 'http' : 'tcp',
      });
    }
  }
  return nodes;
}

function criticalPath(nodes: Node[], stepCostMs: number): number {
  const finish = new Map<string, number>();
  for (const node of nodes) finish.set(node.name, Math.max(0, ...node.deps.map((dep) => finish.get(dep)!)) + node.delayMs + stepCostMs);
  return Math.max(...finish.values());
}

async function freePorts(count: number): Promise<number[]> {
  const servers = await Promise.all(
    Array.from({ length: count }, () => new Promise<ReturnType<typeof createServer>>((resolve) => {
      const server = createServer();
      server.listen(0, '127.0.0.1', () => resolve(server));
    })),
  );
  const ports = servers.map((server) => (server.address() as { port: number }).port);
  await Promise.all(servers.map((server) => new Promise((resolve) => server.close(resolve))));
  return ports;
}

async function accepting(port: number): Promise<void> {
  for (;;) {
    const ok = await new Promise<boolean>((resolve) => {
      const socket = connect({ host: '127.0.0.1', port }, () => {
        socket.destroy();
        resolve(true);
      });
      socket.once('error', () => resolve(false));
    });
    if (ok) return;
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
}

/** From spawn to an accepting port, for a service with no delay: what each DAG step pays on top. */
async function measureProcessStart(env: NodeJS.ProcessEnv): Promise<number> {
  const times: number[] = [];
  for (let i = 0; i < 5; i++) {
    const [port] = await freePorts(1);
    const started = performance.now();
    const child = spawn('bash', ['-lc', `exec '${process.execPath}' '${FIXTURE}' ${port} 0 tcp`], { env, stdio: 'ignore' });
    await accepting(port);
    times.push(performance.now() - started);
    child.kill('SIGKILL');
  }
  return median(times);
}

/**
 * The in-run baseline: an ideal scheduler that starts each service the moment its
 * dependencies accept connections (polled every 2 ms), under the same CPU contention.
 */
async function idealStart(nodes: Node[], env: NodeJS.ProcessEnv): Promise<number> {
  const ports = await freePorts(nodes.length);
  const ready = new Map<string, Promise<void>>();
  const children: ReturnType<typeof spawn>[] = [];
  const started = performance.now();
  nodes.forEach((node, index) => {
    ready.set(
      node.name,
      (async () => {
        await Promise.all(node.deps.map((dep) => ready.get(dep)));
        const command = `exec '${process.execPath}' '${FIXTURE}' ${ports[index]} ${node.delayMs} tcp`;
        children.push(spawn('bash', ['-lc', command], { env, stdio: 'ignore', detached: true }));
        await accepting(ports[index]);
      })(),
    );
  });
  await Promise.all(ready.values());
  const elapsed = performance.now() - started;
  for (const child of children) child.kill('SIGKILL');
  return elapsed;
}

async function coldStart(nodes: Node[], dir: string, round: number): Promise<number> {
  const ports = await freePorts(nodes.length);
  const timing = { intervalMs: 1000, timeoutMs: 1000, initialDelayMs: 0, failureThreshold: 3, successThreshold: 1 };
  const specs: ServiceSpec[] = nodes.map((node, index) => {
    const port = ports[index];
    const health: HealthSpec =
      node.kind === 'http'
        ? { type: 'http', url: `http://127.0.0.1:${port}/`, expectStatus: [200, 399], timing }
        : { type: 'tcp', host: '127.0.0.1', port, timing };
    return serviceSpec(node.name, `exec '${process.execPath}' '${FIXTURE}' ${port} ${node.delayMs} ${node.kind}`, { workingDir: dir, env: { HOME: dir }, dependencies: node.deps.map((name) => ({ name, condition: 'healthy' as const })), health });
  });
  const supervisor = new Supervisor({ logs: { beginLaunch(): void {}, write(): void {} }, stateDir: join(dir, `state-${round}`), instanceKey: 'bench' });
  const healthy = new Set<string>();
  let allHealthyAt = 0;
  const done = new Promise<void>((resolve) => {
    supervisor.on('service', (snapshot) => {
      if (snapshot.health === 'healthy') healthy.add(snapshot.name);
      if (healthy.size === nodes.length && !allHealthyAt) {
        allHealthyAt = performance.now();
        resolve();
      }
    });
  });
  const started = performance.now();
  await supervisor.apply(specs);
  await done;
  await supervisor.dispose();
  return allHealthyAt - started;
}

async function main(): Promise<void> {
  const dir = await mkdtemp(join(tmpdir(), 'showrunner-bench-cold-'));
  try {
    const nodes = buildDag();
    const processStart = await measureProcessStart({ ...process.env, HOME: dir });
    const times: number[] = [];
    const ideals: number[] = [];
    for (let round = 0; round < rounds; round++) {
      ideals.push(await idealStart(nodes, { ...process.env, HOME: dir }));
      times.push(await coldStart(nodes, dir, round));
    }
    const measured = median(times);
    const ideal = median(ideals);
    const pathOfDelays = criticalPath(nodes, 0);
    const pathWithStarts = criticalPath(nodes, processStart);
    console.log(`20 services in ${LEVELS} levels, HTTP and TCP probes every 1 s, ${rounds} cold starts (median)`);
    console.log(`  critical path of probe delays          ${pathOfDelays.toFixed(0)} ms`);
    console.log(`  ... plus a measured process start/step ${pathWithStarts.toFixed(0)} ms  (process start ${processStart.toFixed(1)} ms)`);
    console.log(`  ideal scheduler (2 ms polls), same DAG  ${ideal.toFixed(0)} ms  (rounds: ${ideals.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  showrunner: all 20 healthy after       ${measured.toFixed(0)} ms  (rounds: ${times.map((t) => t.toFixed(0)).join(', ')})`);
    console.log(`  ratio vs critical path of delays: ${(measured / pathOfDelays).toFixed(3)}× (goal ≤ 1.05×); vs path with process starts: ${(measured / pathWithStarts).toFixed(3)}×; vs ideal scheduler: ${(measured / ideal).toFixed(3)}×`);
  } finally {
    await rm(dir, { recursive: true, force: true });
  }
}

main().catch((error: unknown) => {
  console.error(error);
  process.exit(1);
});
