/** Shared by the HTTP benchmarks: wrk runs, nginx on a private port, and the machine's load. */
import { spawn, spawnSync } from 'node:child_process';
import { mkdirSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { loadavg } from 'node:os';
import { join } from 'node:path';

export interface LoadResult {
  requestsPerSecond: number;
  p99Ms: number;
  /** Non-2xx/3xx answers or socket errors: a run with any is not a valid figure. */
  errors: number;
}

export const loadAverage = () => loadavg().map((value) => value.toFixed(2)).join(' ');

export function requireTool(name: string, hint: string) {
  if (spawnSync('sh', ['-c', `command -v ${name}`]).status !== 0) throw new Error(`${name} is not installed: ${hint}`);
}

/** wrk with one thread (the load generator shares the two cores), `connections` keep-alive connections. */
export async function runWrk(url: string, options: { connections: number; seconds: number; headers?: Record<string, string>; script?: string }): Promise<LoadResult> {
  const args = ['-t1', `-c${options.connections}`, `-d${options.seconds}s`, '--latency'];
  for (const [name, value] of Object.entries(options.headers ?? {})) args.push('-H', `${name}: ${value}`);
  if (options.script) args.push('-s', options.script);
  args.push(url);
  const output = await new Promise<string>((resolve, reject) => {
    const child = spawn('wrk', args);
    let text = '';
    child.stdout.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.stderr.on('data', (chunk: Buffer) => (text += chunk.toString()));
    child.on('error', reject);
    child.on('close', (code) => (code === 0 ? resolve(text) : reject(new Error(`wrk exited ${code}: ${text}`))));
  });
  const rate = /Requests\/sec:\s+([\d.]+)/.exec(output);
  const p99 = /\s99%\s+([\d.]+)(us|ms|s)\b/.exec(output);
  if (!rate || !p99) throw new Error(`could not read wrk's output:\n${output}`);
  const unit = { us: 0.001, ms: 1, s: 1000 }[p99[2] as 'us' | 'ms' | 's'];
  const non2xx = Number(/Non-2xx or 3xx responses:\s+(\d+)/.exec(output)?.[1] ?? 0);
  const socketErrors = /Socket errors: connect (\d+), read (\d+), write (\d+), timeout (\d+)/.exec(output);
  const errors = non2xx + (socketErrors ? socketErrors.slice(1).reduce((sum, n) => sum + Number(n), 0) : 0);
  return { requestsPerSecond: Number(rate[1]), p99Ms: Number(p99[1]) * unit, errors };
}

export async function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as { port: number };
      server.close(() => resolve(port));
    });
  });
}

/**
 * nginx (Debian's package) on 127.0.0.1:`port`, serving `root` as plain static files with
 * ETags on, as a tuned static server would; `workers` processes (1 = one event loop, like one
 * Node process). Returns a stop function.
 */
export async function startNginx(root: string, workDir: string, options: { workers: number }): Promise<{ port: number; stop: () => Promise<void> }> {
  requireTool('nginx', 'apt-get install -y nginx');
  const port = await freePort();
  mkdirSync(join(workDir, 'nginx'), { recursive: true });
  const conf = join(workDir, 'nginx', 'nginx.conf');
  const pid = join(workDir, 'nginx', 'nginx.pid');
  writeFileSync(
    conf,
    `worker_processes ${options.workers};
${process.getuid?.() === 0 ? 'user root;' : ''}
daemon off;
pid ${pid};
error_log ${join(workDir, 'nginx', 'error.log')} warn;
events { worker_connections 1024; }
http {
  access_log off;
  sendfile on;
  tcp_nopush on;
  keepalive_requests 1000000;
  open_file_cache max=1000 inactive=60s;
  client_body_temp_path ${join(workDir, 'nginx')};
  proxy_temp_path ${join(workDir, 'nginx')};
  fastcgi_temp_path ${join(workDir, 'nginx')};
  uwsgi_temp_path ${join(workDir, 'nginx')};
  scgi_temp_path ${join(workDir, 'nginx')};
  types { image/webp webp; image/jpeg jpg; }
  server {
    listen 127.0.0.1:${port};
    root ${root};
    etag on;
    add_header Cache-Control "public, max-age=31536000, immutable";
  }
}
`,
  );
  const child = spawn('nginx', ['-c', conf, '-p', join(workDir, 'nginx')], { stdio: ['ignore', 'ignore', 'pipe'] });
  let stderr = '';
  child.stderr.on('data', (chunk: Buffer) => (stderr += chunk.toString()));
  const deadline = Date.now() + 5_000;
  for (;;) {
    if (child.exitCode !== null) throw new Error(`nginx exited at start: ${stderr}`);
    const ok = await fetch(`http://127.0.0.1:${port}/`).then(() => true, () => false);
    if (ok) break;
    if (Date.now() > deadline) throw new Error(`nginx did not answer on port ${port}: ${stderr}`);
    await new Promise((resolve) => setTimeout(resolve, 50));
  }
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGQUIT');
      }),
  };
}

export const median = (values: number[]) => {
  const sorted = [...values].sort((a, b) => a - b);
  return sorted[Math.floor(sorted.length / 2)]!;
};

/**
 * The floor of a Node process on this machine: node:http answering fixed bytes from memory
 * with the same headers as the static route and no checks, in a child process of its own.
 */
export async function startBareNode(files: Array<{ path: string; file: string; etag: string }>): Promise<{ port: number; stop: () => Promise<void> }> {
  const port = await freePort();
  const source = `
const http = require('node:http');
const fs = require('node:fs');
const files = new Map(${JSON.stringify(files)}.map((f) => [f.path, { bytes: fs.readFileSync(f.file), etag: f.etag }]));
http.createServer((req, res) => {
  const file = files.get(req.url);
  if (!file) { res.writeHead(404); return res.end(); }
  const headers = { 'Content-Type': 'image/webp', ETag: file.etag, 'Cache-Control': 'public, max-age=31536000, immutable', 'Accept-Ranges': 'bytes' };
  if (req.headers['if-none-match'] === file.etag) { res.writeHead(304, headers); return res.end(); }
  headers['Content-Length'] = file.bytes.length;
  res.writeHead(200, headers);
  res.end(file.bytes);
}).listen(${port}, '127.0.0.1', () => process.stdout.write('ready\\n'));
`;
  const child = spawn(process.execPath, ['-e', source], { stdio: ['ignore', 'pipe', 'inherit'] });
  await new Promise<void>((resolve, reject) => {
    child.stdout!.once('data', () => resolve());
    child.once('exit', (code) => reject(new Error(`bare node server exited ${code}`)));
  });
  return {
    port,
    stop: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
