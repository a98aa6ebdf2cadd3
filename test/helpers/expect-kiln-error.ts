import { expect } from 'vitest';
import { KilnError } from '../../src/shared/errors';

/** Runs `fn` and expects it to throw a KilnError with this code (and, when given, a message matching `message`). */
export function expectKilnError(fn: () => unknown, code: string, message?: RegExp): void {
  let caught: unknown;
  try {
    fn();
  } catch (err) {
    caught = err;
  }
  expect(caught, 'expected a KilnError').toBeInstanceOf(KilnError);
  expect((caught as KilnError).code).toBe(code);
  if (message) expect((caught as KilnError).message).toMatch(message);
}
