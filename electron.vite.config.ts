import { resolve } from 'node:path';
import react from '@vitejs/plugin-react';
import { defineConfig } from 'electron-vite';

export default defineConfig({
  main: {
    build: {
      rollupOptions: {
        // The Electron entry, the plain-Node CLI (`showrunner serve`, …) and the library
        // (`import { createOrchestrator } from 'showrunner'`) share the engine.
        input: { index: resolve('src/main/index.ts'), cli: resolve('src/main/cli.ts'), library: resolve('src/main/library.ts') },
      },
    },
  },
  preload: {
    build: {
      rollupOptions: {
        input: { index: resolve('src/preload/index.ts') },
        // One CommonJS file whose only import is electron, so it runs with sandbox: true.
        output: { format: 'cjs', entryFileNames: '[name].cjs' },
      },
    },
  },
  renderer: {
    root: resolve('src/renderer'),
    // The panel, and the mrmd editor page `showrunner mrmd` serves at /editor/ (issue 24).
    build: { rollupOptions: { input: { index: resolve('src/renderer/index.html'), editor: resolve('src/renderer/editor/index.html') } } },
    plugins: [react()],
  },
});
