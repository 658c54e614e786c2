#!/usr/bin/env node
// Bundles Glimpse's Node programs into one ESM file each, for the container images.
//
//   node scripts/tools/bundle.mjs <entry.ts> <outfile.mjs> [<entry.ts> <outfile.mjs> ...]
//   node scripts/tools/bundle.mjs --all [--outdir dist/containers] [--only auth,feed] [--strict]
//
// --all bundles every program of the shape whose entry exists (see PROGRAMS) into
// <outdir>/<name>/main.mjs, and writes next to it the runtime manifest of that program:
// <outdir>/<name>/package.json and package-lock.json, listing only the packages the bundle
// leaves external (native code: sharp, PGlite, argon2, …) at the exact versions of the root
// package-lock.json, so that `npm ci --omit=dev` in the image installs just those.
// Entries that do not exist yet are reported and skipped (--strict turns that into an error).
//
// Packages left external: EXTERNAL below, plus any a program lists in its package.json under
// "glimpse": { "external": ["pkg", …] } (e.g. a package that ships model weights on disk).
// Those a program lists are always installed in its image, imported or not: code that loads
// a package through createRequire(), as packages/image-tagging does, is invisible to esbuild.
import { build } from 'esbuild';
import { builtinModules } from 'node:module';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, relative, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');

/** name → entry point; the image of each is built with `--build-arg APP=<name>`. */
export const PROGRAMS = {
  auth: 'apps/auth/src/main.ts',
  upload: 'apps/upload/src/main.ts',
  feed: 'apps/feed/src/main.ts',
  search: 'apps/search/src/main.ts',
  static: 'apps/static/src/main.ts',
  'image-processor': 'workers/image-processor/src/main.ts',
  'image-tagger': 'workers/image-tagger/src/main.ts',
  indexer: 'workers/indexer/src/main.ts',
  notifier: 'workers/notifier/src/main.ts',
  cli: 'apps/cli/src/main.ts',
};

/**
 * Never bundled: packages with native code or WASM loaded from their own directory, and
 * pino's worker-thread transports, which locate their files relative to the package.
 */
export const EXTERNAL = [
  'sharp',
  '@electric-sql/pglite',
  '@node-rs/argon2',
  'onnxruntime-node',
  'pino',
  'pino-pretty',
  'thread-stream',
];

/**
 * Optional requires that are never taken at run time: left out of the bundle and of the
 * image (pg loads pg-native only when `pg.native` is used, which Glimpse never does).
 */
export const NEVER_LOADED = ['pg-native'];

// CommonJS dependencies bundled into ESM still call require() for Node built-ins.
const BANNER = [
  "import { createRequire as __glimpseCreateRequire } from 'node:module';",
  'const require = __glimpseCreateRequire(import.meta.url);',
].join('\n');

function readJson(path) {
  return JSON.parse(readFileSync(path, 'utf8'));
}

/** { external: what esbuild leaves out, declared: what the program's package.json lists } */
function externalsFor(entry) {
  const list = new Set([...EXTERNAL, ...NEVER_LOADED]);
  const declared = [];
  // the program's own package.json (apps/x/package.json for apps/x/src/main.ts)
  let dir = dirname(resolve(ROOT, entry));
  while (dir.startsWith(ROOT) && dir !== ROOT) {
    const manifest = join(dir, 'package.json');
    if (existsSync(manifest)) {
      for (const name of readJson(manifest).glimpse?.external ?? []) {
        list.add(name);
        declared.push(name);
      }
      break;
    }
    dir = dirname(dir);
  }
  return { external: [...list], declared };
}

/** "sharp/lib/x" → "sharp", "@img/a/b" → "@img/a" */
function packageName(specifier) {
  const parts = specifier.split('/');
  return specifier.startsWith('@') ? parts.slice(0, 2).join('/') : parts[0];
}

export async function bundle(entry, outfile, { quiet = false } = {}) {
  const { external, declared } = externalsFor(entry);
  const started = Date.now();
  const result = await build({
    entryPoints: [resolve(ROOT, entry)],
    outfile: resolve(ROOT, outfile),
    bundle: true,
    platform: 'node',
    format: 'esm',
    target: 'node20',
    sourcemap: 'linked',
    sourcesContent: false,
    legalComments: 'linked',
    metafile: true,
    logLevel: 'warning',
    banner: { js: BANNER },
    external,
    // keep class and function names readable in stack traces and logs
    keepNames: true,
    absWorkingDir: ROOT,
  });
  // which external packages the bundle really imports (not every one in the list), and those
  // the program declares (loaded at run time by a path esbuild cannot follow)
  const used = new Set(declared);
  for (const output of Object.values(result.metafile.outputs)) {
    for (const imp of output.imports ?? []) {
      if (imp.external && !imp.path.startsWith('node:') && !isBuiltin(imp.path) && !NEVER_LOADED.includes(packageName(imp.path))) used.add(packageName(imp.path));
    }
  }
  const bytes = Object.values(result.metafile.outputs).reduce((n, o) => n + o.bytes, 0);
  if (!quiet) {
    console.log(
      `bundled ${entry} -> ${relative(ROOT, resolve(ROOT, outfile))} (${(bytes / 1024).toFixed(0)} KiB, ${Date.now() - started} ms; external: ${[...used].join(', ') || 'none'})`,
    );
  }
  return { used: [...used].sort(), bytes };
}

const BUILTINS = new Set(builtinModules.flatMap((name) => [name, name.split('/')[0]]));
function isBuiltin(specifier) {
  return BUILTINS.has(specifier) || BUILTINS.has(specifier.split('/')[0]);
}

/**
 * package.json + package-lock.json for `npm ci --omit=dev` of just `names`, at the versions
 * the root lockfile pins (with their whole dependency closure, optional platform packages
 * included: npm installs only the ones matching the image's platform).
 */
export function runtimeManifest(names, programName) {
  const lock = readJson(join(ROOT, 'package-lock.json'));
  const packages = lock.packages ?? {};
  const out = {};
  const dependencies = {};
  const queue = [];
  for (const name of names) {
    const entry = packages[`node_modules/${name}`];
    if (!entry) throw new Error(`${name} is external but not in package-lock.json (add it to the root dependencies)`);
    dependencies[name] = entry.version;
    queue.push(`node_modules/${name}`);
  }
  // where the lockfile places `name` as seen from the package at `from`: its own nested
  // node_modules first, then each enclosing one, as Node resolves (a nested version differs)
  const resolveFrom = (from, name) => {
    for (let dir = from; ; ) {
      const key = `${dir}/node_modules/${name}`;
      if (packages[key]) return key;
      const at = dir.lastIndexOf('/node_modules/');
      if (at < 0) break;
      dir = dir.slice(0, at);
    }
    return packages[`node_modules/${name}`] ? `node_modules/${name}` : undefined;
  };
  const seen = new Set();
  while (queue.length) {
    const key = queue.shift();
    if (seen.has(key)) continue;
    seen.add(key);
    const entry = packages[key];
    const { dev: _dev, devOptional: _devOptional, peer: _peer, ...kept } = entry;
    out[key] = kept;
    // npm installs peers too (unless optional), so `npm ci` expects them in the lockfile
    const optionalPeers = Object.entries(entry.peerDependenciesMeta ?? {}).filter(([, m]) => m.optional).map(([n]) => n);
    for (const dep of [
      ...Object.keys(entry.dependencies ?? {}),
      ...Object.keys(entry.optionalDependencies ?? {}),
      ...Object.keys(entry.peerDependencies ?? {}).filter((n) => !optionalPeers.includes(n)),
    ]) {
      const found = resolveFrom(key, dep);
      if (found) queue.push(found); // else an optional dependency the lockfile does not carry
    }
  }
  const manifest = {
    name: `glimpse-${programName}-runtime`,
    version: '0.0.0',
    private: true,
    type: 'module',
    dependencies,
  };
  const pkgLock = {
    name: manifest.name,
    version: manifest.version,
    lockfileVersion: 3,
    requires: true,
    packages: { '': { name: manifest.name, version: manifest.version, dependencies }, ...sortKeys(out) },
  };
  return { manifest, pkgLock };
}

function sortKeys(object) {
  return Object.fromEntries(Object.entries(object).sort(([a], [b]) => a.localeCompare(b)));
}

async function bundleAll({ outdir, only, strict }) {
  const names = only ?? Object.keys(PROGRAMS);
  let built = 0;
  const missing = [];
  for (const name of names) {
    const entry = PROGRAMS[name];
    if (!entry) throw new Error(`unknown program '${name}' (known: ${Object.keys(PROGRAMS).join(', ')})`);
    if (!existsSync(join(ROOT, entry))) {
      missing.push(`${name} (${entry})`);
      continue;
    }
    const dir = join(outdir, name);
    mkdirSync(dir, { recursive: true });
    const { used } = await bundle(entry, join(dir, 'main.mjs'));
    const { manifest, pkgLock } = runtimeManifest(used, name);
    writeFileSync(join(dir, 'package.json'), `${JSON.stringify(manifest, null, 2)}\n`);
    writeFileSync(join(dir, 'package-lock.json'), `${JSON.stringify(pkgLock, null, 2)}\n`);
    built += 1;
  }
  if (missing.length) {
    const message = `entry points not found, skipped: ${missing.join(', ')}`;
    if (strict) throw new Error(message);
    console.warn(`warning: ${message}`);
  }
  console.log(`bundled ${built} of ${names.length} programs into ${relative(ROOT, outdir) || '.'}`);
  return built;
}

async function main(argv) {
  if (argv.length === 0 || argv.includes('--help') || argv.includes('-h')) {
    console.log(readFileSync(fileURLToPath(import.meta.url), 'utf8').split('\n').slice(1, 16).join('\n').replace(/^\/\/ ?/gm, ''));
    return argv.length === 0 ? 2 : 0;
  }
  if (argv[0] === '--all') {
    const get = (flag) => {
      const i = argv.indexOf(flag);
      return i >= 0 ? argv[i + 1] : undefined;
    };
    const outdir = resolve(ROOT, get('--outdir') ?? 'dist/containers');
    const only = get('--only')?.split(',').filter(Boolean);
    const built = await bundleAll({ outdir, only, strict: argv.includes('--strict') });
    return built > 0 || !argv.includes('--strict') ? 0 : 1;
  }
  if (argv.length % 2 !== 0) throw new Error('expected pairs of <entry> <outfile>');
  for (let i = 0; i < argv.length; i += 2) {
    if (!existsSync(resolve(ROOT, argv[i])) && !existsSync(resolve(argv[i]))) throw new Error(`entry not found: ${argv[i]}`);
    await bundle(existsSync(resolve(argv[i])) ? resolve(argv[i]) : argv[i], resolve(argv[i + 1]));
  }
  return 0;
}

if (process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url)) {
  main(process.argv.slice(2)).then(
    (code) => process.exit(code),
    (error) => {
      console.error(`bundle failed: ${error.message}`);
      process.exit(1);
    },
  );
}
