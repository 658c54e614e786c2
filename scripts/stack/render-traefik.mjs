#!/usr/bin/env node
// Renders Traefik's static and dynamic configuration for the local stack.
//   node scripts/stack/render-traefik.mjs <out-dir> <listen-port> KEY=value...
// Keys: AUTH_URL UPLOAD_URL FEED_URL SEARCH_URL STATIC_URL WEB_URL and optional limits.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const RATE_LIMITS = {
  AUTH_RATE_AVERAGE: 20,
  AUTH_RATE_PERIOD: '1s',
  AUTH_RATE_BURST: 50,
  UPLOAD_RATE_AVERAGE: 60,
  UPLOAD_RATE_PERIOD: '1m',
  UPLOAD_RATE_BURST: 100,
  UPLOAD_API_RATE_AVERAGE: 50,
  UPLOAD_API_RATE_PERIOD: '1s',
  UPLOAD_API_RATE_BURST: 200,
};

function seconds(period) {
  const match = /^(\d+)(s|m|h)$/.exec(String(period));
  if (!match) throw new Error(`render-traefik: period ${period} is not <n>s, <n>m or <n>h`);
  return Number(match[1]) * { s: 1, m: 60, h: 3600 }[match[2]];
}

export function renderTraefik(outDir, port, values) {
  // The same numbers as charts/glimpse/values.yaml (ingress.traefik.rateLimit) and the
  // services' own limits (UPLOAD_BURST, UPLOADS_PER_MINUTE): README.md, "Rate limits".
  const defaults = {
    ...RATE_LIMITS,
    UPLOAD_MAX_REQUEST_BYTES: 50 * 1024 * 1024 + 1024 * 1024,
    SEARCH_URL: 'http://127.0.0.1:1',
  };
  const all = { ...defaults, ...values };
  for (const which of ['AUTH', 'UPLOAD', 'UPLOAD_API']) {
    // One request's token refills in period / average: that is when a refused client may try again.
    all[`${which}_RETRY_AFTER`] ??= Math.max(1, Math.ceil(seconds(all[`${which}_RATE_PERIOD`]) / Number(all[`${which}_RATE_AVERAGE`])));
  }
  const template = readFileSync(fileURLToPath(new URL('./traefik/dynamic.yml.template', import.meta.url)), 'utf8');
  const dynamic = template.replace(/\{\{(\w+)\}\}/g, (_, key) => {
    if (all[key] === undefined) throw new Error(`render-traefik: no value for ${key}`);
    return String(all[key]);
  });
  mkdirSync(outDir, { recursive: true });
  writeFileSync(join(outDir, 'dynamic.yml'), dynamic);
  writeFileSync(
    join(outDir, 'traefik.yml'),
    [
      'entryPoints:',
      '  web:',
      `    address: "127.0.0.1:${port}"`,
      'providers:',
      '  file:',
      `    filename: "${join(outDir, 'dynamic.yml')}"`,
      '    watch: true',
      'log:',
      '  level: WARN',
      'global:',
      '  checkNewVersion: false',
      '  sendAnonymousUsage: false',
      '',
    ].join('\n'),
  );
  return join(outDir, 'traefik.yml');
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  const [outDir, port, ...pairs] = process.argv.slice(2);
  if (!outDir || !port) {
    console.error('usage: render-traefik.mjs <out-dir> <listen-port> KEY=value...');
    process.exit(2);
  }
  console.log(renderTraefik(outDir, Number(port), Object.fromEntries(pairs.map((pair) => pair.split(/=(.*)/s).slice(0, 2)))));
}
