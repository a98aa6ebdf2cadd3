import { createRequire } from 'node:module';
import { KilnError } from '../../../shared/errors';

interface ValidationReport {
  issues: { numErrors: number; messages: { code: string; message: string; severity: number }[] };
}
type GltfValidator = { validateBytes(data: Uint8Array): Promise<ValidationReport> };

/** Severity 0 in the validator's report is an error (1 warning, 2 information, 3 hint). */
const ERROR = 0;

/**
 * The Khronos glTF validator's errors for a GLB (what issue 13 asks to be none). The validator is a development
 * dependency of Kiln, so it is loaded only when a benchmark asks for it.
 */
export async function glbValidatorErrors(bytes: Uint8Array): Promise<{ count: number; codes: string[] }> {
  let validator: GltfValidator;
  try {
    validator = createRequire(import.meta.url)('gltf-validator') as GltfValidator;
  } catch {
    throw new KilnError('not-found', 'scoring GLBs needs the Khronos glTF validator: install the development dependencies (npm ci) in the Kiln checkout');
  }
  const { issues } = await validator.validateBytes(bytes);
  return { count: issues.numErrors, codes: [...new Set(issues.messages.filter((m) => m.severity === ERROR).map((m) => m.code))] };
}
