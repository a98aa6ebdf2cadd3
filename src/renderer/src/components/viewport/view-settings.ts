import type { DisplayMode } from './display-modes';

/** What the viewport toolbar controls; compare's panes share one. */
export interface ViewSettings {
  mode: DisplayMode;
  showGrid: boolean;
  turntable: boolean;
  background: string;
  /** Draws a mesh's triangle edges over its shaded faces. */
  wireframe: boolean;
}

export const DEFAULT_VIEW_SETTINGS: ViewSettings = { mode: 'colour', showGrid: true, turntable: false, background: '#1d1f24', wireframe: false };

/** Alpha is read as coverage over black, so that mode always draws on black. */
export function effectiveBackground(settings: ViewSettings): string {
  return settings.mode === 'alpha' ? '#000000' : settings.background;
}
