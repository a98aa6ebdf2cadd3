import type { KilnErrorCode } from '../shared/errors';

export function statusForError(code: KilnErrorCode): number {
  switch (code) {
    case 'invalid-request':
      return 400;
    case 'unknown-method':
      return 404;
    case 'not-found':
      return 404;
    case 'conflict':
      return 409;
    case 'unauthorized':
      return 401;
    case 'forbidden':
      return 403;
    case 'model-pack':
    case 'invalid-image':
      return 422;
    default:
      return 500;
  }
}
