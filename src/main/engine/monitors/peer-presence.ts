// Who is in one document's awareness, as the claim protocol needs it (claim.ts). Our monitors
// announce `monitor: { id, peers, seen }`: `peers` lists the ids of the other monitors of ours
// they see, `seen` how much of each such monitor's Yjs updates they have integrated
// (`{ [clientID]: clock }`). Foreign monitors (a `user.type` of "monitor" and no id:
// mrmd-monitor) are only counted. Also kept: for how long the owner of a claim (our string id,
// or mrmd-monitor's numeric Yjs client id) has been absent while we were synced. y-websocket
// drops every remote state when the socket closes, so absence is counted from the latest sync.
export const MONITOR_AWARENESS_FIELD = 'monitor';

export type Owner = string | number;

/** What one of our monitors announces. */
export interface MonitorAnnouncement {
  id: string;
  peers: string[];
  seen: Record<string, number>;
}

interface OurMonitor extends MonitorAnnouncement {
  client: number;
}

export class PeerPresence {
  private present = new Set<Owner>();
  private readonly lastPresentAt = new Map<Owner, number>();
  private monitors: OurMonitor[] = [];
  private ids: string[] = [];
  private members = '';
  private foreign = 0;
  private syncedAt = 0;

  /** Call with the awareness states on every awareness change. */
  update(states: Map<number, unknown>, now = Date.now()): void {
    const present = new Set<Owner>();
    const monitors: OurMonitor[] = [];
    const ids: string[] = [];
    let foreign = 0;
    for (const [client, value] of states) {
      const state = (value ?? {}) as Record<string, unknown>;
      present.add(client);
      const monitor = state[MONITOR_AWARENESS_FIELD] as Partial<MonitorAnnouncement> | undefined;
      const user = state.user as { type?: unknown } | undefined;
      if (typeof monitor?.id === 'string') {
        present.add(monitor.id);
        ids.push(monitor.id);
        // An older monitor of ours announces only its id: it ranks, but acknowledges nothing.
        if (!Array.isArray(monitor.peers)) foreign++;
        else {
          const seen = monitor.seen !== null && typeof monitor.seen === 'object' ? monitor.seen : {};
          monitors.push({ id: monitor.id, client, peers: monitor.peers.filter((peer): peer is string => typeof peer === 'string'), seen });
        }
      } else if (user?.type === 'monitor') foreign++;
    }
    for (const owner of this.present) if (!present.has(owner)) this.lastPresentAt.set(owner, now);
    for (const owner of present) this.lastPresentAt.delete(owner);
    // Bounded: owners long gone no longer matter once their entries are recovered.
    if (this.lastPresentAt.size > 1000) this.lastPresentAt.delete(this.lastPresentAt.keys().next().value as Owner);
    this.present = present;
    this.monitors = monitors;
    this.ids = ids;
    this.foreign = foreign;
    this.members = [...[...ids].sort(), ...monitors.map((monitor) => `${monitor.id}@${monitor.client}`).sort()].join(',');
  }

  /** Which monitors of ours are present, under which Yjs clients: what our announcement's `peers` and `seen` are keyed by. */
  membersKey(): string {
    return this.members;
  }

  /** Call when the document (re)synced with the server. */
  synced(now = Date.now()): void {
    this.syncedAt = now;
  }

  /** The ids of our monitors present (for ranking), `me` included when announced. */
  monitorIds(): string[] {
    return this.ids;
  }

  /** Client ids of our other monitors present (whose updates we report in `seen`). */
  otherClients(me: string): number[] {
    return this.monitors.filter((monitor) => monitor.id !== me).map((monitor) => monitor.client);
  }

  /** Monitors that acknowledge nothing: mrmd-monitor, and ours from before acknowledgements. */
  foreignMonitors(): number {
    return this.foreign;
  }

  /** Step 0: every other monitor of ours present lists us, so their earlier claims reached us. */
  seenByAll(me: string): boolean {
    return this.monitors.every((monitor) => monitor.id === me || monitor.peers.includes(me));
  }

  /** Step 3: every other monitor of ours present has integrated our updates up to `clock`. */
  ackedByAll(me: string, client: number, clock: number): boolean {
    return this.monitors.every((monitor) => monitor.id === me || (monitor.seen[String(client)] ?? 0) >= clock);
  }

  /** Our other monitors present that have not integrated our updates up to `clock`. */
  notAcking(me: string, client: number, clock: number): string[] {
    return this.monitors.filter((monitor) => monitor.id !== me && (monitor.seen[String(client)] ?? 0) < clock).map((monitor) => monitor.id);
  }

  /** How long since the latest sync. */
  syncedForMs(now = Date.now()): number {
    return now - this.syncedAt;
  }

  /** How long `owner` has been absent while we were synced; 0 while present. */
  absentForMs(owner: Owner, now = Date.now()): number {
    if (this.present.has(owner)) return 0;
    return now - Math.max(this.lastPresentAt.get(owner) ?? 0, this.syncedAt);
  }
}
