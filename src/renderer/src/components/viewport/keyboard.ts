/** True while the artist types or operates a form control, where single-key shortcuts must not fire. */
export function isTyping(target: EventTarget | null): boolean {
  return target instanceof HTMLElement && (target.isContentEditable || /^(INPUT|TEXTAREA|SELECT)$/.test(target.tagName));
}

/** A plain key press (no Ctrl, Cmd or Alt) outside text fields. */
export function isShortcut(e: KeyboardEvent): boolean {
  return !e.ctrlKey && !e.metaKey && !e.altKey && !isTyping(e.target);
}

export const SHORTCUTS: readonly { keys: string; action: string }[] = [
  { keys: 'F', action: 'Fit the view to the generation volume' },
  { keys: '← / →', action: 'Previous / next snapshot' },
  { keys: 'Home / End', action: 'First / newest snapshot' },
  { keys: 'Space', action: 'Play / pause the timeline' },
];
