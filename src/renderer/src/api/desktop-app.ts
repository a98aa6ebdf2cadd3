/**
 * True in the Electron app (its preload bridge is present), where files are reached only through the main process's
 * native dialogs; false in a browser on `kiln serve`.
 */
export function isDesktopApp(): boolean {
  return typeof window !== 'undefined' && window.kilnBridge !== undefined;
}
