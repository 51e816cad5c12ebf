// TCP readiness: something accepts a connection on host:port within the timeout.
import { connect } from 'node:net';
import { errorMessage, type ProbeOutcome } from './probe-outcome';

export function tcpProbe(host: string, port: number, timeoutMs: number): Promise<ProbeOutcome> {
  return new Promise((resolve) => {
    const socket = connect({ host, port });
    const finish = (outcome: ProbeOutcome): void => {
      clearTimeout(timer);
      socket.destroy();
      resolve(outcome);
    };
    const timer = setTimeout(() => finish({ ok: false, message: `timed out after ${timeoutMs} ms` }), timeoutMs);
    socket.once('connect', () => finish({ ok: true, message: `${host}:${port} accepts connections` }));
    socket.once('error', (error) => finish({ ok: false, message: `${host}:${port} ${errorMessage(error)}` }));
  });
}
