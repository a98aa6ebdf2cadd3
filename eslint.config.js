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
    },
  },
  {
    files: ['src/shared/**/*.ts'],
    rules: {
      'no-restricted-imports': [
        'error',
        { patterns: [...UI_AND_SHELL, ...ENGINE_SIDE, { group: ['node:*'], message: 'src/shared runs in the browser too.' }] },
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
