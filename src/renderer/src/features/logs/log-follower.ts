// Routes `log.chunk` events to the feeds of open panes and tells the engine which processes
// to send (the union of open panes), so closed panes cost nothing.
import type { LogChunk } from '../../../../shared/model';
import type { Transport } from '../../transport/transport';
import type { LogFeed } from './log-feed';

export class LogFollower {
  private readonly feeds = new Map<string, Set<LogFeed>>();
  private pendingFollow: ReturnType<typeof setTimeout> | null = null;

  constructor(private readonly transport: Transport) {
    transport.on('log.chunk', (chunk) => this.route(chunk));
    transport.onConnection((state) => {
      if (state !== 'open') return;
      // A reconnect (maybe to a restarted daemon): reload history, then follow again.
      for (const [process, feeds] of this.feeds) for (const feed of feeds) void this.loadTail(process, feed, true);
      this.scheduleFollow();
    });
  }

  attach(process: string, feed: LogFeed): () => void {
    let feeds = this.feeds.get(process);
    if (!feeds) this.feeds.set(process, (feeds = new Set()));
    feeds.add(feed);
    this.scheduleFollow();
    void this.loadTail(process, feed, false);
    return () => {
      feeds.delete(feed);
      if (feeds.size === 0) this.feeds.delete(process);
      this.scheduleFollow();
    };
  }

  private async loadTail(process: string, feed: LogFeed, reset: boolean): Promise<void> {
    const reply = await this.transport.invoke('logs.tail', { process, maxBytes: 512 * 1024 });
    if (!reply.ok) return;
    if (reset && reply.value.offset < feed.offset) feed.reset(); // the daemon restarted: offsets start over
    feed.acceptTail(reply.value);
  }

  private route(chunk: LogChunk): void {
    for (const feed of this.feeds.get(chunk.process) ?? []) feed.acceptChunk(chunk);
  }

  /**
   * Where each process's panes stand (the least of them), for processes with history shown: a
   * follow after a reconnect continues there, so output made meanwhile is not a gap. The
   * engine uses it only for processes it does not follow yet for this client.
   */
  private shownOffsets(): Record<string, number> {
    const from: Record<string, number> = {};
    for (const [process, feeds] of this.feeds) {
      let least = Infinity;
      for (const feed of feeds) least = Math.min(least, feed.offset);
      if (least >= 0 && least !== Infinity) from[process] = least;
    }
    return from;
  }

  private scheduleFollow(): void {
    if (this.pendingFollow) return;
    this.pendingFollow = setTimeout(() => {
      this.pendingFollow = null;
      void this.transport.invoke('logs.follow', { processes: [...this.feeds.keys()], from: this.shownOffsets() });
    }, 0);
  }
}
