// Binds every contract method to Electron IPC (ARCHITECTURE.md §1): one channel per method,
// the sender checked (top-level frame, our origin), arguments parsed by the contract, refusals
// logged with channel and reason. Events go to each window through its own hub session.
import { ipcMain, type IpcMainInvokeEvent, type WebContents } from 'electron';
import { errorReply, ipcChannel, methodNames } from '../../shared/contract';
import type { ClientSession, EventHub } from '../engine/api/event-hub';
import { checkSender } from './sender-policy';

export function bindContractToIpc(hub: EventHub, devServerUrl: string | null, log: (line: string) => void): () => void {
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
      return sessionFor(event.sender).call(method, args);
    });
  }

  return () => {
    for (const method of methodNames) ipcMain.removeHandler(ipcChannel.invoke(method));
    for (const session of sessions.values()) session.close();
    sessions.clear();
  };
}
