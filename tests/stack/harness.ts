import { execFileSync, spawn, type ChildProcess } from 'node:child_process';
import { generateKeyPairSync, randomBytes, randomUUID } from 'node:crypto';
import { createWriteStream, mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { openPostgres } from '@glimpse/database';
import { freePort } from '@glimpse/test-fixtures';
// @ts-expect-error plain ESM script shared with the shell stack scripts
import { renderTraefik } from '../../scripts/stack/render-traefik.mjs';

/**
 * The production shape on one machine: every service and worker as its own process on
 * the production adapters (PostgreSQL, RabbitMQ, MinIO), Traefik in front. Each stack
 * gets its own database, RabbitMQ vhost and buckets, so test files cannot see each other.
 */
const root = fileURLToPath(new URL('../..', import.meta.url));
// `node --import tsx`, not the tsx CLI: the CLI runs the program in a child process, so a
// signal sent to it would not reach the service (SIGKILL would leave the child running).
const node = (entry: string) => ['--import', 'tsx', join(root, entry)];

export const SERVICES = {
  auth: 'apps/auth/src/main.ts',
  upload: 'apps/upload/src/main.ts',
  feed: 'apps/feed/src/main.ts',
  search: 'apps/search/src/main.ts',
  static: 'apps/static/src/main.ts',
  'image-processor': 'workers/image-processor/src/main.ts',
  'image-tagger': 'workers/image-tagger/src/main.ts',
  notifier: 'workers/notifier/src/main.ts',
} as const;
export type ServiceName = keyof typeof SERVICES;
/** What a stack runs unless told otherwise: the notifier only where a test brings its mail server. */
export const DEFAULT_SERVICES = (Object.keys(SERVICES) as ServiceName[]).filter((name) => name !== 'notifier');

function required(name: string): string {
  const value = process.env[name];
  if (!value) throw new Error(`${name} is not set: run the stack tier with \`npm run test:stack\`, which starts the servers and sets it`);
  return value;
}

/** Runs a command of scripts/stack/ctl.sh: pg-restart, rabbitmq-stop, minio-start, vhost-add NAME … */
/** Runs the CLI (`glimpse …`) against a stack, as an operator would. */
export function glimpseCli(stack: Stack, ...args: string[]): string {
  return execFileSync(process.execPath, [...node('apps/cli/src/main.ts'), ...args], { cwd: root, env: { ...process.env, ...stack.env }, encoding: 'utf8', timeout: 120_000 });
}

export function stackCtl(...args: string[]): string {
  return execFileSync('bash', [join(root, 'scripts/stack/ctl.sh'), ...args], { encoding: 'utf8', env: process.env, timeout: 180_000 });
}

export async function waitFor(check: () => Promise<boolean>, what: string, timeoutMs = 60_000, intervalMs = 100) {
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    if (await check().catch(() => false)) return;
    if (Date.now() > deadline) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, intervalMs));
  }
}

const answers = (url: string, status = 200) => async () => (await fetch(url, { signal: AbortSignal.timeout(2_000) })).status === status;

export class Stack {
  readonly processes = new Map<string, ChildProcess>();
  readonly ports = new Map<string, number>();
  url = '';
  private traefik?: ChildProcess;
  private web?: ChildProcess;

  constructor(
    readonly id: string,
    readonly env: Record<string, string>,
    readonly logDir: string,
  ) {}

  serviceUrl(name: ServiceName) {
    return `http://127.0.0.1:${this.ports.get(name)}`;
  }

  private spawnLogged(name: string, command: string, args: string[], env: Record<string, string>): ChildProcess {
    const log = createWriteStream(join(this.logDir, `${name}.log`), { flags: 'a' });
    const child = spawn(command, args, { cwd: root, env: { ...process.env, ...env }, stdio: ['ignore', 'pipe', 'pipe'] });
    child.stdout!.pipe(log);
    child.stderr!.pipe(log);
    return child;
  }

  /** Starts (or restarts) one service on its port and waits until it answers /healthz. */
  async start(name: ServiceName, extraEnv: Record<string, string> = {}) {
    const port = this.ports.get(name) ?? (await freePort());
    this.ports.set(name, port);
    const env: Record<string, string> = { ...this.env, PORT: String(port), ...extraEnv };
    if (name !== 'auth') env.AUTH_JWKS_URL = `http://127.0.0.1:${this.ports.get('auth')}/.well-known/jwks.json`;
    const child = this.spawnLogged(name, process.execPath, node(SERVICES[name]), env);
    this.processes.set(name, child);
    await waitFor(answers(`http://127.0.0.1:${port}/healthz`), `${name} to start (log: ${this.logDir}/${name}.log)`);
  }

  /** Sends a signal and waits for the process to exit; SIGKILL gives it no chance to finish. */
  async kill(name: ServiceName, signal: NodeJS.Signals = 'SIGTERM'): Promise<number | null> {
    const child = this.processes.get(name);
    if (!child || child.exitCode !== null) return child?.exitCode ?? null;
    const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
    child.kill(signal);
    this.processes.delete(name);
    return exited;
  }

  async isReady(name: ServiceName) {
    return (await fetch(`${this.serviceUrl(name)}/readyz`, { signal: AbortSignal.timeout(3_000) }).catch(() => undefined))?.status === 200;
  }

  async startTraefik() {
    const port = await freePort();
    const web = await freePort();
    this.ports.set('web', web);
    this.web = this.spawnLogged('web', process.execPath, [join(root, 'scripts/stack/serve-web.mjs')], { PORT: String(web) });
    const config = renderTraefik(join(this.logDir, 'traefik'), port, {
      AUTH_URL: this.serviceUrl('auth'),
      UPLOAD_URL: this.serviceUrl('upload'),
      FEED_URL: this.serviceUrl('feed'),
      SEARCH_URL: this.serviceUrl('search'),
      STATIC_URL: this.serviceUrl('static'),
      WEB_URL: `http://127.0.0.1:${web}`,
    });
    this.traefik = this.spawnLogged('traefik', required('GLIMPSE_TRAEFIK_BIN'), [`--configFile=${config}`], {});
    this.url = `http://127.0.0.1:${port}`;
    await waitFor(answers(`${this.url}/api/feed/latest`), `Traefik to route /api/feed (log: ${this.logDir}/traefik.log)`);
  }

  async stop() {
    await Promise.all([...this.processes.keys()].map((name) => this.kill(name as ServiceName)));
    this.web?.kill('SIGTERM');
    this.traefik?.kill('SIGTERM');
  }
}

/** A fresh, isolated stack: database, vhost, buckets, keys; migrations run as the chart's hook Job does. */
export async function startStack(options: { services?: ServiceName[]; env?: Record<string, string> } = {}): Promise<Stack> {
  const id = randomUUID().replaceAll('-', '').slice(0, 10);
  const adminUrl = required('DATABASE_URL');
  const admin = openPostgres({ url: adminUrl, poolSize: 1 });
  await admin.query(`CREATE DATABASE glimpse_${id}`);
  await admin.close();
  const databaseUrl = Object.assign(new URL(adminUrl), { pathname: `/glimpse_${id}` }).toString();
  stackCtl('vhost-add', `glimpse-${id}`);
  const amqp = new URL(required('AMQP_URL'));
  amqp.pathname = `/glimpse-${id}`;

  const env: Record<string, string> = {
    NODE_ENV: 'production',
    HOST: '127.0.0.1',
    // Traefik runs on loopback in front of every service
    TRUSTED_PROXIES: '127.0.0.1',
    LOG_LEVEL: 'info',
    DATABASE_URL: databaseUrl,
    AMQP_URL: amqp.toString(),
    S3_ENDPOINT: required('S3_ENDPOINT'),
    S3_ACCESS_KEY: required('S3_ACCESS_KEY'),
    S3_SECRET_KEY: required('S3_SECRET_KEY'),
    GORSE_URL: required('GORSE_URL'),
    GORSE_API_KEY: required('GORSE_API_KEY'),
    S3_BUCKET_UNPROCESSED: `t${id}-unprocessed`,
    S3_BUCKET_PROCESSED: `t${id}-processed`,
    AUTH_PRIVATE_KEY: generateKeyPairSync('ed25519').privateKey.export({ format: 'pem', type: 'pkcs8' }).toString(),
    STATIC_URL_SECRET: randomBytes(24).toString('base64url'),
    WORKER_CONCURRENCY: '2',
    JOB_MAX_ATTEMPTS: '3',
    ...options.env,
  };
  const logDir = join(process.env.GLIMPSE_STACK_DIR ?? '/tmp/glimpse-stack', 'logs', id);
  mkdirSync(logDir, { recursive: true });
  // Local state of this stack only (the embedded search index's journal lives there).
  env.GLIMPSE_DATA_DIR = join(logDir, 'data');
  execFileSync(process.execPath, [...node('apps/cli/src/main.ts'), 'migrate', '--wait', '60'], { cwd: root, env: { ...process.env, ...env }, stdio: 'pipe' });

  const stack = new Stack(id, env, logDir);
  const wanted = options.services ?? DEFAULT_SERVICES;
  try {
    await stack.start('auth');
    await Promise.all(wanted.filter((name) => name !== 'auth').map((name) => stack.start(name)));
    await stack.startTraefik();
  } catch (error) {
    // A stack that failed to start must not leave processes behind for the next file.
    await stack.stop();
    throw error;
  }
  return stack;
}
