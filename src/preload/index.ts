// The renderer's only door to the engine: `invoke` and `on`, typed by the contract, plus `shell` for what only the
// desktop can do (native dialogs, dropped files' paths, the logs folder, the replay view). Nothing else is exposed.
import { contextBridge, ipcRenderer, webUtils, type IpcRendererEvent } from 'electron';
import { IPC_ALLOW_DROPPED, IPC_EVENT, IPC_INVOKE, IPC_MENU_OPEN_ARCHIVE, IPC_OPEN_LOGS, IPC_PICK_PATHS, IPC_REPLAY_HIDE, IPC_REPLAY_NAVIGATED, IPC_REPLAY_SHOW, type ReplaySlot, type EngineClient, type EventName, type ShellBridge } from '../shared/api.js';

const shell = {
  pickPaths: (kind) => ipcRenderer.invoke(IPC_PICK_PATHS, kind),
  // Since Electron 32 a File has no `path`: only the preload can ask for it.
  pathForFile: (file) => {
    const path = file instanceof File ? webUtils.getPathForFile(file) : '';
    if (path) ipcRenderer.send(IPC_ALLOW_DROPPED, path);
    return path;
  },
  onOpenArchive: (listener) => {
    const wrapped = () => listener();
    ipcRenderer.on(IPC_MENU_OPEN_ARCHIVE, wrapped);
    return () => ipcRenderer.off(IPC_MENU_OPEN_ARCHIVE, wrapped);
  },
  openLogsFolder: () => ipcRenderer.invoke(IPC_OPEN_LOGS),
  showReplay: (url, bounds, slot) => ipcRenderer.invoke(IPC_REPLAY_SHOW, url, bounds, slot),
  hideReplay: (slot) => ipcRenderer.invoke(IPC_REPLAY_HIDE, slot),
  onReplayNavigated: (listener) => {
    const wrapped = (_e: IpcRendererEvent, slot: ReplaySlot, url: string) => listener(slot, url);
    ipcRenderer.on(IPC_REPLAY_NAVIGATED, wrapped);
    return () => ipcRenderer.off(IPC_REPLAY_NAVIGATED, wrapped);
  },
} satisfies ShellBridge;

const bridge = {
  invoke: (method, args, traceparent) => ipcRenderer.invoke(IPC_INVOKE, method, args, traceparent),
  on: (event, listener) => {
    const wrapped = (_e: IpcRendererEvent, name: EventName, payload: unknown) => {
      if (name === event) (listener as (p: unknown) => void)(payload);
    };
    ipcRenderer.on(IPC_EVENT, wrapped);
    return () => ipcRenderer.off(IPC_EVENT, wrapped);
  },
  shell,
} satisfies EngineClient;

contextBridge.exposeInMainWorld('archivestream', bridge);
