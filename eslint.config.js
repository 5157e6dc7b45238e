// Lint rules that hold the layering of STYLE.md §1.3: a pure core, Node adapters, a thin Electron app.
import tseslint from 'typescript-eslint'

const nodeBuiltins = ['node:*', 'fs', 'path', 'os', 'crypto', 'worker_threads', 'child_process', 'http', 'https', 'net', 'url', 'zlib', 'stream']

export default tseslint.config(
  { ignores: ['node_modules/**', 'out/**', 'dist/**', 'coverage/**', 'artifacts/**', 'models/tools/**', '**/*.mjs', '**/*.js'] },
  ...tseslint.configs.recommended,
  {
    rules: {
      '@typescript-eslint/no-explicit-any': 'error',
      '@typescript-eslint/no-unused-vars': ['error', { argsIgnorePattern: '^_', varsIgnorePattern: '^_' }],
    },
  },
  {
    files: ['main/core/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', {
        patterns: [
          { group: nodeBuiltins, message: 'main/core is pure: no Node built-ins (STYLE.md §1.3).' },
          { group: ['electron', 'onnxruntime-node', 'sharp', 'react', 'react-dom', 'konva', 'dcmjs', 'dicom-parser'], message: 'main/core is pure: no runtime libraries.' },
          { group: ['**/adapters/**', '**/app/**', '**/worker/**', '**/cli/**'], message: 'main/core may not import outer layers (main/engine too: test/design/layering.test.ts).' },
        ],
      }],
    },
  },
  {
    files: ['main/adapters/**/*.ts', 'main/worker/**/*.ts', 'main/engine/**/*.ts', 'main/cli/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['electron'], message: 'Only main/app may import Electron.' },
        { group: ['**/app/**'], message: 'Inner layers may not import main/app.' },
        { group: ['onnxruntime-node'], message: 'Import ORT through main/adapters/onnx/runtime.ts (telemetry off first).' },
      ] }],
    },
  },
  {
    files: ['main/app/**/*.ts', 'main/index.ts', 'test/bench/**/*.ts'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: ['onnxruntime-node'], message: 'Import ORT through main/adapters/onnx/runtime.ts (telemetry off first).' },
      ] }],
    },
  },
  {
    files: ['renderer/**/*.ts', 'renderer/**/*.tsx'],
    rules: {
      'no-restricted-imports': ['error', { patterns: [
        { group: [...nodeBuiltins, 'electron', 'onnxruntime-node', 'sharp'], message: 'The renderer never sees Node or Electron (STYLE.md §1.1).' },
        { group: ['**/main/**', '!@core/*'], message: 'The renderer reaches main only through the preload API; pure helpers via @core/*.' },
      ] }],
    },
  },
)
