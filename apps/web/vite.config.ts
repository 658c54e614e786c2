import { writeFile } from 'node:fs/promises';
import { join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { brotliCompressSync, constants, gzipSync } from 'node:zlib';
import react from '@vitejs/plugin-react';
import { defineConfig, type Plugin } from 'vite';

const backend = 'http://127.0.0.1:8080';

/**
 * Writes `.gz` and `.br` beside each text asset: the gateway's static server (sirv with
 * `gzip`/`brotli`) only serves precompressed files, it never compresses on the fly.
 */
function precompress(): Plugin {
  let outDir = '';
  return {
    name: 'glimpse:precompress',
    apply: 'build',
    configResolved(config) {
      outDir = resolve(config.root, config.build.outDir);
    },
    async writeBundle(_options, bundle) {
      const writes = Object.values(bundle)
        .filter((file) => /\.(js|css|html|svg|json)$/.test(file.fileName))
        .map(async (file) => {
          const source = Buffer.from(file.type === 'chunk' ? file.code : file.source);
          if (source.length < 1024) return;
          const path = join(outDir, file.fileName);
          await writeFile(`${path}.gz`, gzipSync(source, { level: 9 }));
          await writeFile(`${path}.br`, brotliCompressSync(source, { params: { [constants.BROTLI_PARAM_QUALITY]: 11 } }));
        });
      await Promise.all(writes);
    },
  };
}

export default defineConfig({
  root: fileURLToPath(new URL('.', import.meta.url)),
  plugins: [react(), precompress()],
  build: {
    outDir: 'dist',
    emptyOutDir: true,
    assetsDir: 'assets',
    target: 'es2022',
  },
  server: {
    proxy: {
      '/api': backend,
      '/static': backend,
    },
  },
});
