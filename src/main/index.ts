import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { app, BrowserWindow, dialog, ipcMain, Menu, session, shell } from 'electron';
import { packageRoot } from '../core/package-root';
import { StudioService } from '../core/studio/studio-service';
import { contentSecurityPolicy } from '../shared/content-security-policy';
import { IPC_EVENT } from '../shared/ipc-channels';
import { electronSqliteBinding } from './electron-sqlite';
import { exportToFileHandler, type ChooseSavePath } from './export-to-file';
import { registerStudioIpc } from './ipc';
import { modelFolderHandlers, type ChooseFolder } from './model-folder-dialog';
import { UtilityEngineLauncher } from './utility-engine-launcher';
import { appMenuTemplate } from './menu';
import { isAppUrl, mainWindowOptions } from './window-options';

const here = fileURLToPath(new URL('.', import.meta.url));
const devServerUrl = process.env.ELECTRON_RENDERER_URL;
const appUrl = devServerUrl ?? `file://${join(here, '../renderer/index.html')}`;

let mainWindow: BrowserWindow | null = null;

function createWindow(): BrowserWindow {
  const win = new BrowserWindow(mainWindowOptions(join(here, '../preload/index.cjs')));
  win.once('ready-to-show', () => win.show());
  win.webContents.setWindowOpenHandler(({ url }) => {
    if (url.startsWith('https://')) void shell.openExternal(url);
    return { action: 'deny' };
  });
  win.webContents.on('will-navigate', (event, url) => {
    if (!isAppUrl(url, appUrl)) event.preventDefault();
  });
  if (devServerUrl) void win.loadURL(devServerUrl);
  else void win.loadFile(join(here, '../renderer/index.html'));
  return win;
}

function start(): void {
  if (!app.requestSingleInstanceLock()) {
    app.quit();
    return;
  }
  app.on('second-instance', () => {
    if (mainWindow?.isMinimized()) mainWindow.restore();
    mainWindow?.focus();
  });

  void app.whenReady().then(() => {
    const sqliteBinding = electronSqliteBinding(packageRoot());
    const service = new StudioService(
      app.getPath('userData'),
      { nativeBinding: sqliteBinding },
      new UtilityEngineLauncher(packageRoot(), sqliteBinding),
    );
    session.defaultSession.webRequest.onHeadersReceived((details, callback) => {
      callback({ responseHeaders: { ...details.responseHeaders, 'Content-Security-Policy': [contentSecurityPolicy()] } });
    });
    session.defaultSession.setPermissionRequestHandler((_wc, _permission, grant) => grant(false));
    const chooseSavePath: ChooseSavePath = async (request) => {
      const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
      const choice = parent ? await dialog.showSaveDialog(parent, request) : await dialog.showSaveDialog(request);
      return choice.canceled ? undefined : choice.filePath;
    };
    const chooseFolder: ChooseFolder = async (request) => {
      const parent = BrowserWindow.getFocusedWindow() ?? mainWindow;
      const choice = parent ? await dialog.showOpenDialog(parent, request) : await dialog.showOpenDialog(request);
      return choice.canceled ? undefined : choice.filePaths[0];
    };
    const handlers = {
      ...service.handlers,
      ...modelFolderHandlers(service.models, chooseFolder),
      'runs.exportToFile': exportToFileHandler(service.store, chooseSavePath, app.getPath('documents')),
    };
    registerStudioIpc(ipcMain.handle.bind(ipcMain), { handlers }, (event) => isAppUrl(event.senderFrame?.url ?? '', appUrl));
    service.events.subscribe((event) => {
      for (const win of BrowserWindow.getAllWindows()) win.webContents.send(IPC_EVENT, event);
    });
    Menu.setApplicationMenu(Menu.buildFromTemplate(appMenuTemplate(process.platform, !app.isPackaged)));
    mainWindow = createWindow();
    app.on('activate', () => {
      if (BrowserWindow.getAllWindows().length === 0) mainWindow = createWindow();
    });
    app.on('will-quit', (event) => {
      // Running engines pause at their next iteration (resumable) before the database closes.
      event.preventDefault();
      void service.shutdown().finally(() => app.exit(0));
    });
  });

  app.on('window-all-closed', () => {
    if (process.platform !== 'darwin') app.quit();
  });
}

start();
