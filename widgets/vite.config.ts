// One entry per page; the server reads the manifest to find each page's bundle.
import { defineConfig } from 'vite';

export default defineConfig({
  root: new URL('..', import.meta.url).pathname,
  publicDir: false,
  build: {
    outDir: 'dist/widgets',
    emptyOutDir: true,
    manifest: true,
    target: 'es2020',
    assetsDir: 'assets',
    rollupOptions: {
      input: {
        student: 'widgets/src/pages/student.ts',
        teacher: 'widgets/src/pages/teacher.ts',
        picker: 'widgets/src/pages/picker.ts',
        admin: 'widgets/src/pages/admin.ts',
      },
    },
  },
  esbuild: { legalComments: 'none' },
});
