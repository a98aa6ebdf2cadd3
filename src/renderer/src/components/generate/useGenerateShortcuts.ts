import { useEffect, useRef } from 'react';

/**
 * Ctrl+Enter (⌘+Enter) generates from anywhere, even inside the prompt box; Escape cancels the running run unless it
 * belongs to something else first (an open dialog, a control that handled it).
 */
export function useGenerateShortcuts(actions: { generate: () => void; cancel: () => void }): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        latest.current.generate();
      } else if (e.key === 'Escape' && !e.defaultPrevented && !document.querySelector('dialog[open]')) {
        latest.current.cancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}
