/** Error codes a user (or a client) can cause; each message says what to do about it. */
export const KILN_ERROR_CODES = [
  'invalid-request',
  'unknown-method',
  'not-found',
  'conflict',
  /** `kiln serve` on a network address: the request lacks the access token, or names a wrong one. */
  'unauthorized',
  /** Allowed locally, refused to a caller on another machine (naming file-system paths). */
  'forbidden',
  'storage',
  'native-addon',
  'model-pack',
  /** A reference image that cannot be used: not an image, damaged, too large, or with nothing in the foreground. */
  'invalid-image',
  /** The optimisation cannot go on (every Gaussian pruned); the snapshots before it are kept. */
  'optimisation',
  'internal',
] as const;
export type KilnErrorCode = (typeof KILN_ERROR_CODES)[number];

export class KilnError extends Error {
  readonly code: KilnErrorCode;
  constructor(code: KilnErrorCode, message: string) {
    super(message);
    this.name = 'KilnError';
    this.code = code;
  }
}

/** The wire form of an error, identical on every transport. */
export interface WireError {
  code: KilnErrorCode;
  message: string;
}

export function toWireError(err: unknown): WireError {
  if (err instanceof KilnError) return { code: err.code, message: err.message };
  const message = err instanceof Error ? err.message : String(err);
  return { code: 'internal', message };
}

export function fromWireError(wire: WireError): KilnError {
  const code = (KILN_ERROR_CODES as readonly string[]).includes(wire.code) ? wire.code : 'internal';
  return new KilnError(code, wire.message);
}
