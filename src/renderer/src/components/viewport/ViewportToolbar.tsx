import { useState } from 'react';
import { displayModeOptions, shownDisplayMode, type DisplayMode, type ShownKind } from './display-modes';
import { SHORTCUTS } from './keyboard';
import type { ViewSettings } from './view-settings';

interface ViewportToolbarProps {
  settings: ViewSettings;
  /** What the view shows: the display modes and the wireframe toggle follow it. */
  shownKind: ShownKind;
  onChange: (settings: ViewSettings) => void;
  onFit: () => void;
}

export function ViewportToolbar({ settings, shownKind, onChange, onFit }: ViewportToolbarProps) {
  const [helpOpen, setHelpOpen] = useState(false);
  const set = (patch: Partial<ViewSettings>) => onChange({ ...settings, ...patch });
  return (
    <div className="viewport-toolbar" role="toolbar" aria-label="Viewport tools">
      <button type="button" onClick={onFit} title="Fit view (F)" aria-keyshortcuts="F">
        Fit view
      </button>
      <label className="toggle">
        <input type="checkbox" checked={settings.showGrid} onChange={(e) => set({ showGrid: e.target.checked })} />
        Grid
      </label>
      <label className="toggle">
        <input type="checkbox" checked={settings.turntable} onChange={(e) => set({ turntable: e.target.checked })} />
        Turntable
      </label>
      <label className="toggle" title="Draw the mesh's triangle edges (mesh snapshots)">
        <input type="checkbox" checked={settings.wireframe} disabled={shownKind === 'splats'} onChange={(e) => set({ wireframe: e.target.checked })} />
        Wireframe
      </label>
      <label className="toggle" title={settings.mode === 'alpha' ? 'Alpha is always drawn over black' : undefined}>
        <input
          type="color"
          className="swatch"
          value={settings.background}
          onChange={(e) => set({ background: e.target.value })}
        />
        Background
      </label>
      <select aria-label="Display mode" value={shownDisplayMode(settings.mode, shownKind)} onChange={(e) => set({ mode: e.target.value as DisplayMode })}>
        {displayModeOptions(shownKind).map(({ mode, label }) => (
          <option key={mode} value={mode}>
            {label}
          </option>
        ))}
      </select>
      <span className="help-anchor">
        <button
          type="button"
          className="icon"
          aria-label="Keyboard shortcuts"
          aria-expanded={helpOpen}
          aria-controls="viewport-shortcuts"
          onClick={() => setHelpOpen((open) => !open)}
        >
          ?
        </button>
        {helpOpen && (
          <div id="viewport-shortcuts" role="tooltip" className="shortcut-help">
            <dl>
              {SHORTCUTS.map((s) => (
                <div key={s.keys}>
                  <dt>
                    <kbd>{s.keys}</kbd>
                  </dt>
                  <dd>{s.action}</dd>
                </div>
              ))}
            </dl>
          </div>
        )}
      </span>
    </div>
  );
}
