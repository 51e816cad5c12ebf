// The log/process name of one document's monitor: its own module so the daemon can name
// monitors without loading the monitor stack (Yjs, y-websocket), which it loads only when a
// manifest asks for monitors (monitor-control.ts).
export function monitorProcessName(doc: string): string {
  return `monitor:${doc}`;
}
