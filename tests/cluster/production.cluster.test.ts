import { generateKeyPairSync, randomBytes } from 'node:crypto';
import { readFileSync } from 'node:fs';
import { openPostgres, type Database } from '@glimpse/database';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parse } from 'yaml';
import { helm, kubectl, kubectlJson, leftovers, ROOT, sh, waitFor } from './harness';
import { userJourney } from './journeys';

/**
 * The production profile: every dependency external, as an operator runs it. PostgreSQL (for
 * CockroachDB), RabbitMQ, MinIO and Gorse run on the host (scripts/cluster/externals.sh), the
 * credentials come from an existing Secret, Traefik is the operator's own release in its own
 * namespace, and Glimpse runs several replicas with HPAs, PDBs and NetworkPolicies.
 */
const NS = 'glimpse-prod';
const RELEASE = 'glimpse';
const externals = Object.fromEntries(
  readFileSync(process.env.GLIMPSE_EXTERNALS_ENV ?? '/tmp/glimpse-cluster/externals/externals.env', 'utf8')
    .split('\n')
    .filter((line) => line.includes('='))
    .map((line) => [line.slice(0, line.indexOf('=')), line.slice(line.indexOf('=') + 1)]),
) as Record<string, string>;
const localImages = parse(readFileSync(`${ROOT}/scripts/cluster/values-local-images.yaml`, 'utf8')) as { traefik: { image: { repository: string; tag: string } } };
const valueFiles = ['charts/glimpse/ci/production-values.yaml', 'scripts/cluster/values-local-images.yaml', 'scripts/cluster/values-production.yaml'].flatMap((file) => ['-f', `${ROOT}/${file}`]);

let db: Database;
beforeAll(() => {
  db = openPostgres({ url: externals.DATABASE_URL!, poolSize: 2 });
});
afterAll(async () => {
  await db?.close();
  // a failed run must not leave a release holding the node port for the next one
  await helm('uninstall', RELEASE, '-n', NS, '--wait').catch(() => undefined);
  await helm('uninstall', 'traefik', '-n', 'traefik', '--wait').catch(() => undefined);
  await kubectl('delete', 'namespace', NS, 'traefik', '--ignore-not-found', '--wait=true', '--timeout=180s').catch(() => undefined);
});

describe.sequential('the production profile on a real Kubernetes, every dependency external', () => {
  it("installs the operator's Traefik, the Secret, and Glimpse with helm install --wait", async () => {
    await helm('install', 'traefik', `${ROOT}/charts/glimpse/charts/traefik`, '-n', 'traefik', '--create-namespace',
      '--set', `image.repository=${localImages.traefik.image.repository}`, '--set', `image.tag=${localImages.traefik.image.tag}`,
      '--set', 'watchNamespaceOnly=false', '--set', 'service.type=NodePort', '--set', 'service.nodePorts.web=30080', '--set', 'service.nodePorts.websecure=30443',
      '--set', 'resources.requests.cpu=10m', '--wait', '--timeout', '5m');
    await kubectl('create', 'namespace', NS);
    const authKey = generateKeyPairSync('ed25519').privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    await kubectl('-n', NS, 'create', 'secret', 'generic', 'glimpse-secrets',
      `--from-literal=DATABASE_URL=${externals.DATABASE_URL}`, `--from-literal=AMQP_URL=${externals.AMQP_URL}`,
      `--from-literal=S3_ACCESS_KEY=${externals.S3_ACCESS_KEY}`, `--from-literal=S3_SECRET_KEY=${externals.S3_SECRET_KEY}`,
      `--from-literal=GORSE_API_KEY=${externals.GORSE_API_KEY}`, `--from-literal=TYPESENSE_API_KEY=unused`,
      `--from-literal=STATIC_URL_SECRET=${randomBytes(32).toString('hex')}`, `--from-literal=AUTH_PRIVATE_KEY=${authKey}`);
    const started = Date.now();
    await helm('install', RELEASE, `${ROOT}/charts/glimpse`, '-n', NS, ...valueFiles, '--wait', '--timeout', '15m');
    console.log(`production: helm install --wait took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const running = async () => {
      const byComponent = new Map<string, number>();
      for (const pod of (await kubectlJson('-n', NS, 'get', 'pods')).items.filter((p) => p.status.phase === 'Running' && !p.metadata.deletionTimestamp)) {
        const component = pod.metadata.labels['app.kubernetes.io/component'];
        byComponent.set(component, (byComponent.get(component) ?? 0) + 1);
      }
      return byComponent;
    };
    // several replicas (the HPAs bring each service up to its minReplicas within a sync period),
    // and none of the bundled dependencies
    const byComponent = await waitFor('every service at its HPA minReplicas', async () => {
      const counts = await running();
      return (counts.get('feed') ?? 0) >= 3 && (counts.get('static') ?? 0) >= 3 && (counts.get('auth') ?? 0) >= 2 && counts;
    }, 120_000);
    expect(byComponent.get('web')).toBeGreaterThanOrEqual(3);
    for (const dependency of ['postgresql', 'cockroachdb', 'minio', 'rabbitmq', 'gorse', 'typesense']) expect(byComponent.has(dependency), dependency).toBe(false);
    const kinds = (await kubectlJson('-n', NS, 'get', 'hpa,pdb,networkpolicies')).items.map((item) => item.kind);
    for (const kind of ['HorizontalPodAutoscaler', 'PodDisruptionBudget', 'NetworkPolicy']) expect(kinds, kind).toContain(kind);
  });

  it('passes helm test', async () => {
    const output = await helm('test', RELEASE, '-n', NS, '--logs', '--timeout', '5m');
    expect(output).toMatch(/Phase:\s+Succeeded/);
  });

  it('serves a user through Traefik with the external servers: ready once, served, searchable, forYou, private hidden', async () => {
    const { ids } = await userJourney(db, 'prod');
    // the originals and the variants are in the operator's own object store
    const keys = await db.query<{ original_key: string }>('SELECT original_key FROM images WHERE id = ANY($1::uuid[])', [ids]);
    expect(keys).toHaveLength(5);
    const listing = await sh('curl', ['-fsS', '-o', '/dev/null', '-w', '%{http_code}', `${externals.S3_ENDPOINT}/minio/health/live`]);
    expect(listing).toBe('200');
  });

  it('uninstalls, leaving nothing in the namespace but the Secret the operator made', async () => {
    await helm('uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '5m');
    let left: string[] = [];
    await waitFor('the release gone', async () => {
      left = await leftovers(NS);
      return left.every((name) => name === 'Secret/glimpse-secrets');
    }, 120_000).catch(() => undefined);
    expect(left).toEqual(['Secret/glimpse-secrets']);
  });
});
