// Writes MRP events as server-sent events, with a `ping` event after a silence (mrmd-python
// sends one after 60 s) so proxies and clients keep a queued or quiet cell's stream open.
import type { ServerResponse } from 'node:http';

export class SseResponse {
  private pingTimer: NodeJS.Timeout | undefined;

  constructor(
    private readonly response: ServerResponse,
    private readonly pingIntervalMs: number,
    headers: Record<string, string> = {},
  ) {
    response.writeHead(200, {
      'Content-Type': 'text/event-stream; charset=utf-8',
      'Cache-Control': 'no-cache',
      Connection: 'keep-alive',
      'X-Accel-Buffering': 'no',
      ...headers,
    });
    response.flushHeaders();
    this.armPing();
  }

  send(event: string, data: unknown): void {
    if (this.response.writableEnded) return;
    // JSON.stringify never emits a raw newline, so one data line always suffices.
    this.response.write(`event: ${event}\ndata: ${JSON.stringify(data)}\n\n`);
    this.armPing();
  }

  end(): void {
    this.clearPing();
    if (!this.response.writableEnded) this.response.end();
  }

  private armPing(): void {
    this.clearPing();
    this.pingTimer = setTimeout(() => this.send('ping', {}), this.pingIntervalMs);
  }

  private clearPing(): void {
    if (this.pingTimer !== undefined) clearTimeout(this.pingTimer);
    this.pingTimer = undefined;
  }
}
