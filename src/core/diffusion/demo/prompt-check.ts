import { KilnError } from '../../../shared/errors';
import { VIEW_SECTORS } from '../view-sector';
import { DEMO_OBJECTS, NEUTRAL_WORDS } from './objects';

const VIEW_WORDS = [...VIEW_SECTORS, 'view'];

/** The words of a prompt as the demo prior's text encoder sees them (lower case, letters only). */
export function promptWords(prompt: string): string[] {
  return prompt.toLowerCase().split(/[^a-z]+/).filter((w) => w.length > 0);
}

/**
 * The demo prior knows only its objects' words: an unknown word would silently fall back to "any object", so it is
 * refused with the list of prompts it does know.
 */
export function checkDemoPrompt(prompt: string, field = 'prompt'): void {
  const known = new Set([...NEUTRAL_WORDS, ...VIEW_WORDS, ...DEMO_OBJECTS.flatMap((o) => o.words)]);
  // Letters and symbols outside ASCII (雪だるま, 🎉) are invisible to the encoder's words: refused like unknown words.
  const unreadable = prompt.match(/[^\p{ASCII}\p{P}\p{Z}]+/gu) ?? [];
  const unknown = [...promptWords(prompt).filter((w) => !known.has(w)), ...unreadable];
  if (unknown.length > 0) {
    throw new KilnError(
      'invalid-request',
      `the demo prior does not know ${unknown.map((w) => `"${w}"`).join(', ')} in the ${field}; it knows these prompts: ` +
        `${DEMO_OBJECTS.map((o) => `"${o.prompt}"`).join(', ')} (optionally with "front/side/back view")`,
    );
  }
}
