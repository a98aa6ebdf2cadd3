import { useEffect, useRef } from 'react';
import { isTyping } from '../viewport/keyboard';

/**
 * Ctrl+Enter (⌘+Enter) generates from anywhere, even inside the prompt box; Escape cancels the running run unless it
 * belongs to something else (an open dialog, a control that handled it, a text field outside the generate form).
 */
export function useGenerateShortcuts(actions: { generate: () => void; cancel: () => void }): void {
  const latest = useRef(actions);
  latest.current = actions;
  useEffect(() => {
    const onKey = (e: KeyboardEvent) => {
      if (document.querySelector('dialog[open]')) return;
      if (e.key === 'Enter' && (e.ctrlKey || e.metaKey) && !e.altKey) {
        e.preventDefault();
        latest.current.generate();
      } else if (e.key === 'Escape' && !e.defaultPrevented && !typingElsewhere(e.target)) {
        latest.current.cancel();
      }
    };
    window.addEventListener('keydown', onKey);
    return () => window.removeEventListener('keydown', onKey);
  }, []);
}

function typingElsewhere(target: EventTarget | null): boolean {
  return isTyping(target) && !(target as HTMLElement).closest('.generate-form');
}
