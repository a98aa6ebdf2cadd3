import { ESLint, type Linter } from 'eslint';
import { beforeAll, describe, expect, it } from 'vitest';

// The layering rules of eslint.config.js, exercised through ESLint's own API on code that never touches the disk.

let eslint: ESLint;

beforeAll(() => {
  eslint = new ESLint({ cwd: process.cwd() });
});

async function lint(filePath: string, code: string): Promise<Linter.LintMessage[]> {
  const [result] = await eslint.lintText(code, { filePath });
  if (!result) throw new Error(`ESLint returned no result for ${filePath}`);
  return result.messages;
}

/** One error per matching pattern group, so an import can draw more than one; at least one must fire, on line 1. */
function expectRestrictedImport(messages: Linter.LintMessage[], specifier: string): void {
  const errors = errorsOf(messages, 'no-restricted-imports');
  expect(errors.length).toBeGreaterThanOrEqual(1);
  for (const error of errors) {
    expect(error.message).toContain(`'${specifier}'`);
    expect(error.line).toBe(1);
  }
}

function errorsOf(messages: Linter.LintMessage[], ruleId: string): Linter.LintMessage[] {
  return messages.filter((m) => m.ruleId === ruleId && m.severity === 2);
}

/** Code importing `specifier` and using it, so the only possible complaint is about the import itself. */
function importing(specifier: string): string {
  return `import * as imported from '${specifier}';\nexport const used = imported;\n`;
}

const FORBIDDEN_BELOW_THE_SHELL = ['electron', 'electron/main', 'react', 'react-dom/client', 'three', '@react-three/fiber', '../main/index', '../renderer/src/App', '../preload/index'];

describe('layering: src/core and src/shared', () => {
  it.each(FORBIDDEN_BELOW_THE_SHELL.flatMap((spec) => [['src/core/bad.ts', spec], ['src/shared/bad.ts', spec]]))(
    '%s may not import %s',
    async (filePath, specifier) => {
      expectRestrictedImport(await lint(filePath, importing(specifier)), specifier);
    },
  );

  it('forbids type-only and re-exported imports of Electron too', async () => {
    expectRestrictedImport(
      await lint('src/core/bad.ts', "import type { App } from 'electron';\nexport type X = App;\n"),
      'electron',
    );
    expectRestrictedImport(await lint('src/core/bad.ts', "export { app } from 'electron';\n"), 'electron');
  });

  it('lets deeper core folders import sibling core and shared modules', async () => {
    const messages = await lint(
      'src/core/studio/ok.ts',
      "import { openDatabase } from '../store/database';\nimport { KilnError } from '../../shared/errors';\nimport { join } from 'node:path';\nexport const used = [openDatabase, KilnError, join];\n",
    );
    expect(messages).toEqual([]);
  });

  it('forbids Math.random in src/core, in any spelling', async () => {
    for (const code of [
      'export const r = Math.random();\n',
      "export const r = Math['random']();\n",
      'const { random } = Math;\nexport const r = random();\n',
    ]) {
      const errors = errorsOf(await lint('src/core/bad.ts', code), 'no-restricted-properties');
      expect(errors).toHaveLength(1);
      expect(errors[0]?.message).toContain('run seed');
    }
  });

  it('forbids Math.random in src/shared', async () => {
    expect(errorsOf(await lint('src/shared/bad.ts', 'export const r = Math.random();\n'), 'no-restricted-properties')).toHaveLength(1);
  });

  it('allows other Math functions in src/core', async () => {
    expect(await lint('src/core/ok.ts', 'export const r = Math.floor(Math.sqrt(2));\n')).toEqual([]);
  });
});

describe('layering: src/shared runs in the browser too', () => {
  it.each([['node:fs'], ['node:path'], ['../core/store/database'], ['../server/studio-server'], ['../cli/main']])(
    'src/shared may not import %s',
    async (specifier) => {
      expectRestrictedImport(await lint('src/shared/bad.ts', importing(specifier)), specifier);
    },
  );

  it('src/shared may import zod and its own modules', async () => {
    const messages = await lint(
      'src/shared/ok.ts',
      "import { z } from 'zod';\nimport { KilnError } from './errors';\nexport const used = [z, KilnError];\n",
    );
    expect(messages).toEqual([]);
  });
});

describe('layering: the Electron shell and the renderer', () => {
  it('src/main may import electron', async () => {
    const messages = await lint('src/main/ok.ts', importing('electron'));
    expect(errorsOf(messages, 'no-restricted-imports')).toEqual([]);
    expect(messages).toEqual([]);
  });

  it('src/main may use Math.random', async () => {
    expect(errorsOf(await lint('src/main/ok.ts', 'export const r = Math.random();\n'), 'no-restricted-properties')).toEqual([]);
  });

  it.each([['../../core/store/database'], ['../../server/studio-server'], ['../../cli/main'], ['../../main/ipc'], ['../../preload/index'], ['node:fs'], ['electron']])(
    'src/renderer may not import %s',
    async (specifier) => {
      for (const filePath of ['src/renderer/src/bad.ts', 'src/renderer/src/components/Bad.tsx']) {
        expectRestrictedImport(await lint(filePath, importing(specifier)), specifier);
      }
    },
  );

  it('src/renderer may import React, three.js and the shared contract', async () => {
    const messages = await lint(
      'src/renderer/src/ok.ts',
      "import { useState } from 'react';\nimport * as THREE from 'three';\nimport { StudioEvent } from '../../shared/events';\nexport const used = [useState, THREE, StudioEvent];\n",
    );
    expect(messages).toEqual([]);
  });

  it('src/preload may not import the renderer or the engine', async () => {
    for (const specifier of ['../renderer/src/App', '../main/index', '../core/studio/studio-service']) {
      expectRestrictedImport(await lint('src/preload/bad.ts', importing(specifier)), specifier);
    }
  });
});

describe('layering gaps that plain no-restricted-imports misses', () => {
  it('rejects a dynamic import of electron or the UI from src/core', async () => {
    for (const specifier of ['electron', 'react', 'three', '../main/index', '../../renderer/src/App']) {
      const messages = await lint('src/core/bad-dynamic.ts', `export const load = () => import('${specifier}');\n`);
      expect(errorsOf(messages, 'no-restricted-syntax').length, specifier).toBe(1);
    }
  });

  it('allows a dynamic import of an engine dependency from src/core', async () => {
    const messages = await lint('src/core/ok-dynamic.ts', "export const load = () => import('onnxruntime-node');\n");
    expect(errorsOf(messages, 'no-restricted-syntax')).toEqual([]);
  });

  it('rejects bare Node builtins in src/shared, not only the node: form', async () => {
    for (const specifier of ['fs', 'path', 'node:os', 'child_process']) {
      const messages = await lint('src/shared/bad-builtin.ts', `import * as m from '${specifier}';\nexport const x = m;\n`);
      expectRestrictedImport(messages, specifier);
    }
  });
});
