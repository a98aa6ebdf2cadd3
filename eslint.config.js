import { builtinModules } from 'node:module';
import js from '@eslint/js';
import globals from 'globals';
import tseslint from 'typescript-eslint';

/** Imports that would break the layering of ARCHITECTURE.md (arrows point downward only). */
const UI_AND_SHELL = [
  { group: ['electron', 'electron/*'], message: 'src/core and src/shared never import Electron.' },
  { group: ['react', 'react/*', 'react-dom', 'react-dom/*'], message: 'src/core and src/shared never import React.' },
  { group: ['three', 'three/*', '@react-three/*'], message: 'src/core and src/shared never import three.js.' },
  { group: ['**/main', '**/main/**', '**/renderer', '**/renderer/**', '**/preload', '**/preload/**'], message: 'src/core and src/shared never import the Electron shell or the UI.' },
];
const ENGINE_SIDE = [
  { group: ['**/core/**', '**/server/**', '**/cli/**'], message: 'only the Node side imports the engine, server or CLI.' },
];

// Exact names (a pattern like 'events' would also match the local './events').
const NODE_BUILTIN_PATHS = builtinModules.map((name) => ({ name, message: 'src/shared runs in the browser too.' }));
const NODE_PREFIXED = [{ group: ['node:*'], message: 'src/shared runs in the browser too.' }];

/** no-restricted-imports does not see import(); this catches dynamic imports of the same UI/shell modules. */
const DYNAMIC_UI_IMPORT = {
  selector: "ImportExpression[source.value=/^(electron|react|react-dom|three|@react-three\\/)|\\/(main|renderer|preload)(\\/|$)/]",
  message: 'src/core and src/shared never import Electron, React, three.js or the shell/UI, not even dynamically.',
};

export default tseslint.config(
  { ignores: ['out/**', 'node_modules/**', 'native/build/**', '.electron-native/**', 'coverage/**'] },
  js.configs.recommended,
  ...tseslint.configs.recommended,
  {
    languageOptions: { globals: { ...globals.node } },
    rules: {
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
      '@typescript-eslint/consistent-type-imports': ['error', { fixStyle: 'inline-type-imports' }],
    },
  },
  {
    files: ['src/core/**/*.ts', 'src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: UI_AND_SHELL }],
      'no-restricted-properties': ['error', { object: 'Math', property: 'random', message: 'randomness flows from the run seed.' }],
      'no-restricted-syntax': ['error', DYNAMIC_UI_IMPORT],
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { paths: NODE_BUILTIN_PATHS, patterns: [...UI_AND_SHELL, ...ENGINE_SIDE, ...NODE_PREFIXED] },
      ],
    },
  },
  {
    files: ['src/renderer/**/*.{ts,tsx}'],
    languageOptions: { globals: { ...globals.browser } },
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_SIDE, { group: ['**/main/**', '**/preload/**', 'node:*', 'electron'], message: 'the renderer talks only to the StudioApi.' }] }] },
  },
  {
    files: ['src/preload/**/*.ts'],
    rules: { 'no-restricted-imports': ['error', { patterns: [...ENGINE_SIDE, { group: ['**/renderer/**', '**/main/**'], message: 'the preload only forwards the StudioApi.' }] }] },
  },
);
