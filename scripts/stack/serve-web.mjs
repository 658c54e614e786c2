#!/usr/bin/env node
// Serves the built web app for the local stack (nginx does this in the cluster).
import { createServer } from 'node:http';
import { fileURLToPath } from 'node:url';
import sirv from 'sirv';

const root = fileURLToPath(new URL('../../apps/web/dist', import.meta.url));
const serve = sirv(root, { single: true, immutable: true, etag: true });
const port = Number(process.env.PORT ?? 8080);
createServer((req, res) => {
  if (req.url === '/healthz' || req.url === '/readyz') return res.end('ok');
  serve(req, res);
}).listen(port, process.env.HOST ?? '127.0.0.1', () => console.log(`web on ${port}`));
