// The renderer's only door to the engine: `invoke` and `on`, typed by the contract. Nothing else is exposed.
import { contextBridge, ipcRenderer, type IpcRendererEvent } from 'electron';
import { IPC_EVENT, IPC_INVOKE, type EngineClient, type EventName } from '../shared/api.js';

const bridge = {
  invoke: (method, args) => ipcRenderer.invoke(IPC_INVOKE, method, args),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: EventName, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.off(IPC_EVENT, wrapped);
  },
} satisfies EngineClient;

contextBridge.exposeInMainWorld('archivestream', bridge);
