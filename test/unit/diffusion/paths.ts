import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const REPO_ROOT = fileURLToPath(new URL('../../..', import.meta.url));
/** The real CLIP vocabulary and reference ids, beside the repository (tests only; the product never reads it). */
export const CLIP_TESTDATA = join(REPO_ROOT, '..', 'shared', 'testdata', 'clip-tokenizer');
