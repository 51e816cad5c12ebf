// Who is in one document's awareness, as the claim protocol needs it (claim.ts): the ids our
// monitors announce (`monitor: { id }`), how many foreign monitors (a `user.type` of "monitor"
// and no id: mrmd-monitor, which claims at once), since when that set has been unchanged, and
// for how long the owner of a claim (our string id, or mrmd-monitor's numeric Yjs client id)
// has been absent while we were synced. y-websocket drops every remote state when the socket
// closes, so absence is only counted from the latest sync: a reconnect starts the count again.
import { MONITOR_AWARENESS_FIELD } from './claim';

export type Owner = string | number;

export class PeerPresence {
  private present = new Set<Owner>();
  private readonly lastPresentAt = new Map<Owner, number>();
  private ids: string[] = [];
  private foreign = 0;
  private viewKey = '';
  private viewSince = 0;
  private syncedAt = 0;

  /** Call with the awareness states on every awareness change. */
  update(states: Map<number, unknown>, now = Date.now()): void {
    const present = new Set<Owner>();
    const ids: string[] = [];
    let foreign = 0;
    for (const [client, value] of states) {
      const state = (value ?? {}) as Record<string, unknown>;
      present.add(client);
      const monitor = state[MONITOR_AWARENESS_FIELD] as { id?: unknown } | undefined;
      const user = state.user as { type?: unknown } | undefined;
      if (typeof monitor?.id === 'string') {
        ids.push(monitor.id);
        present.add(monitor.id);
      } else if (user?.type === 'monitor') foreign++;
    }
    for (const owner of this.present) if (!present.has(owner)) this.lastPresentAt.set(owner, now);
    for (const owner of present) this.lastPresentAt.delete(owner);
    // Bounded: owners long gone no longer matter once their entries are recovered.
    if (this.lastPresentAt.size > 1000) this.lastPresentAt.delete(this.lastPresentAt.keys().next().value as Owner);
    this.present = present;
    ids.sort();
    const key = `${ids.join('\n')}\n#${foreign}`;
    if (key !== this.viewKey) {
      this.viewKey = key;
      this.viewSince = now;
    }
    this.ids = ids;
    this.foreign = foreign;
  }

  /** Call when the document (re)synced with the server. */
  synced(now = Date.now()): void {
    this.syncedAt = now;
  }

  monitorIds(): string[] {
    return this.ids;
  }

  foreignMonitors(): number {
    return this.foreign;
  }

  /** How long the set of monitors has been the same, counting from the latest sync. */
  stableForMs(now = Date.now()): number {
    return now - Math.max(this.viewSince, this.syncedAt);
  }

  /** How long since the latest sync (the view of the others is rebuilt from it). */
  syncedForMs(now = Date.now()): number {
    return now - this.syncedAt;
  }

  /** How long `owner` has been absent while we were synced; 0 while present. */
  absentForMs(owner: Owner, now = Date.now()): number {
    if (this.present.has(owner)) return 0;
    return now - Math.max(this.lastPresentAt.get(owner) ?? 0, this.syncedAt);
  }
}
