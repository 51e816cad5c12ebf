// Binds every contract method to Electron IPC (ARCHITECTURE.md §1): one channel per method,
// the sender checked (top-level frame, our origin), arguments parsed by the contract, refusals
// logged with channel and reason. Events go to each window through its own hub session.
import { ipcMain, shell, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { errorReply, ipcChannel, methodNames, type Reply } from '../../shared/contract';
import type { SessionSource } from '../attach/audited-session';
import type { ClientSession } from '../engine/api/event-hub';
import { checkSender } from './sender-policy';

export function bindContractToIpc(hub: SessionSource, devServerUrl: string | null, log: (line: string) => void): () => void {
  const sessions = new Map<number, ClientSession>();

  const sessionFor = (contents: WebContents): ClientSession => {
    let session = sessions.get(contents.id);
    if (!session) {
      session = hub.open((name, seq, payload) => {
        if (!contents.isDestroyed()) contents.send(ipcChannel.event(name), payload, seq);
      });
      sessions.set(contents.id, session);
      contents.once('destroyed', () => {
        sessions.get(contents.id)?.close();
        sessions.delete(contents.id);
      });
    }
    return session;
  };

  for (const method of methodNames) {
    const channel = ipcChannel.invoke(method);
    ipcMain.handle(channel, async (event: IpcMainInvokeEvent, args: unknown) => {
      const frame = event.senderFrame;
      const verdict = checkSender({ frameUrl: frame?.url ?? '', isMainFrame: frame !== null && frame === event.sender.mainFrame }, devServerUrl);
      if (!verdict.ok) {
        log(`ipc: refused ${channel}: ${verdict.reason}`);
        return errorReply('sender-rejected', `refused: ${verdict.reason}`);
      }
      if (method === 'logs.openFile') return openLogFile(sessionFor(event.sender), args);
      return sessionFor(event.sender).call(method, args);
    });
  }

  return () => {
    for (const method of methodNames) ipcMain.removeHandler(ipcChannel.invoke(method));
    for (const session of sessions.values()) session.close();
    sessions.clear();
  };
}

/** The one method the desktop shell answers itself: the engine says where, the OS opens it. */
async function openLogFile(session: ClientSession, args: unknown): Promise<Reply<{ path: string }>> {
  const located = await session.call('logs.filePath', args);
  if (!located.ok) return located as Reply<never>;
  const path = (located.value as { path: string | null }).path;
  if (!path) return errorReply('not-found', 'this process has no log file (yet, or logs are kept in memory only)');
  const failure = await shell.openPath(path);
  return failure ? errorReply('internal', `could not open ${path}: ${failure}`, { path }) : { ok: true, value: { path } };
}
