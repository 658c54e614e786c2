import { execFile, spawn } from 'node:child_process';
import { promisify } from 'node:util';
import { freePort } from '@glimpse/test-fixtures';
import { Agent, setGlobalDispatcher } from 'undici';

/**
 * The cluster tier talks to a real single-node Kubernetes (scripts/cluster/node.sh) the way an
 * operator does: helm and kubectl with the admin kubeconfig, and HTTP through Traefik's NodePort.
 */
export const ROOT = new URL('../..', import.meta.url).pathname.replace(/\/$/, '');
export const NODE_IP = '10.250.0.1';
export const INGRESS_HOST = 'glimpse.local';
export const INGRESS_PORT = 30080;
/** What a browser would open: the site's host name, resolved to the node by the dispatcher below. */
export const SITE = `http://${INGRESS_HOST}:${INGRESS_PORT}`;
const KUBECONFIG = process.env.KUBECONFIG ?? '/var/lib/glimpse-cluster/admin.kubeconfig';
const TOOLS_BIN = `${process.env.GLIMPSE_TOOLS_DIR ?? `${process.env.HOME}/.cache/glimpse-tools`}/bin`;

// The host name resolves to the node, so requests carry `Host: glimpse.local` as a browser's
// would and Traefik's Host() rules are exercised; nothing here edits /etc/hosts.
setGlobalDispatcher(
  new Agent({
    connect: {
      lookup: (hostname, options, callback) => {
        if (hostname === INGRESS_HOST) {
          if ((options as { all?: boolean }).all) (callback as (e: null, a: Array<{ address: string; family: number }>) => void)(null, [{ address: NODE_IP, family: 4 }]);
          else callback(null, NODE_IP, 4);
          return;
        }
        import('node:dns').then((dns) => dns.lookup(hostname, options, callback as never));
      },
    },
  }),
);

const run = promisify(execFile);

export async function sh(command: string, args: string[], options: { timeoutMs?: number; input?: string } = {}): Promise<string> {
  const env = { ...process.env, KUBECONFIG, PATH: `${TOOLS_BIN}:${process.env.PATH}` };
  try {
    const child = run(command, args, { env, timeout: options.timeoutMs ?? 600_000, maxBuffer: 64 * 1024 * 1024 });
    if (options.input !== undefined) {
      child.child.stdin?.end(options.input);
    }
    return (await child).stdout;
  } catch (error) {
    const failure = error as { stdout?: string; stderr?: string; message: string };
    throw new Error(`${command} ${args.join(' ')} failed: ${failure.message}\n${failure.stdout ?? ''}\n${failure.stderr ?? ''}`.slice(0, 8000));
  }
}

export const kubectl = (...args: string[]) => sh('kubectl', args);
export const helm = (...args: string[]) => sh('helm', args, { timeoutMs: 1_200_000 });
/** A Kubernetes object as kubectl prints it; the tests read the few fields they need. */
// eslint-disable-next-line @typescript-eslint/no-explicit-any -- kubectl's JSON is untyped here on purpose
export type KubeObject = Record<string, any>;
export const kubectlJson = async <T = { items: KubeObject[] }>(...args: string[]) => JSON.parse(await kubectl(...args, '-o', 'json')) as T;

/** `kubectl port-forward` to a Service, on 127.0.0.1; close() stops it. */
export async function portForward(namespace: string, target: string, remotePort: number) {
  const port = await freePort();
  const child = spawn('kubectl', ['-n', namespace, 'port-forward', '--address', '127.0.0.1', target, `${port}:${remotePort}`], {
    env: { ...process.env, KUBECONFIG, PATH: `${TOOLS_BIN}:${process.env.PATH}` },
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let output = '';
  const ready = new Promise<void>((resolve, reject) => {
    child.stdout.on('data', (chunk: Buffer) => {
      output += chunk.toString();
      if (output.includes('Forwarding from')) resolve();
    });
    child.stderr.on('data', (chunk: Buffer) => (output += chunk.toString()));
    child.on('exit', (code) => reject(new Error(`port-forward to ${namespace}/${target} exited ${code}: ${output}`)));
  });
  await ready;
  return { port, close: () => child.kill('SIGTERM') };
}

export async function waitFor<T>(what: string, probe: () => Promise<T | undefined | false>, timeoutMs = 120_000, everyMs = 500): Promise<T> {
  const deadline = Date.now() + timeoutMs;
  let last: unknown;
  for (;;) {
    try {
      const value = await probe();
      if (value) return value;
    } catch (error) {
      last = error;
    }
    if (Date.now() > deadline) throw new Error(`${what}: not after ${timeoutMs} ms${last ? ` (last error: ${String(last)})` : ''}`);
    await new Promise((resolve) => setTimeout(resolve, everyMs));
  }
}

/** Every object of a namespace that a release could have left, by kind (the API's own defaults aside). */
export async function leftovers(namespace: string): Promise<string[]> {
  const kinds = 'deployments,statefulsets,daemonsets,replicasets,pods,services,configmaps,secrets,serviceaccounts,jobs,ingresses.networking.k8s.io,networkpolicies,poddisruptionbudgets,horizontalpodautoscalers,roles,rolebindings,persistentvolumeclaims';
  const list = await kubectlJson('-n', namespace, 'get', kinds);
  return list.items
    .map((item) => `${item.kind}/${item.metadata.name}`)
    .filter((name) => name !== 'ServiceAccount/default' && name !== 'ConfigMap/kube-root-ca.crt');
}
