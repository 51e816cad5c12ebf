// The whole bridge: one global, `window.showrunner`, with `invoke` and `on` for contract names
// only (STYLE.md §4). ipcRenderer itself is never exposed; a name outside the contract throws
// here, before anything reaches the main process.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { ipcChannel, isEventName, isMethodName } from '../shared/contract-names';
import type { ShowrunnerBridge } from '../shared/contract';

const bridge: ShowrunnerBridge = {
  invoke(method, args) {
    if (!isMethodName(method)) return Promise.reject(new Error(`not a contract method: ${String(method)}`));
    return ipcRenderer.invoke(ipcChannel.invoke(method), args);
  },
  on(event, listener) {
    if (!isEventName(event)) throw new Error(`not a contract event: ${String(event)}`);
    const channel = ipcChannel.event(event);
    const wrapped = (_event: IpcRendererEvent, payload: unknown, seq: number) => listener(payload as never, seq);
    ipcRenderer.on(channel, wrapped);
    return () => ipcRenderer.removeListener(channel, wrapped);
  },
};

contextBridge.exposeInMainWorld('showrunner', bridge);
