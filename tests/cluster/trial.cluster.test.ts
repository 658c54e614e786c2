import { apiClients, signUp } from '@glimpse/api-client';
import { openPostgres, type Database } from '@glimpse/database';
import { noiseJpeg } from '@glimpse/test-fixtures';
import { afterAll, describe, expect, it } from 'vitest';
import { helm, kubectl, kubectlJson, leftovers, portForward, ROOT, SITE, waitFor } from './harness';
import { expectReadyExactlyOnce } from '../stack/checks';
import { settle, uploadWithOneRetry, userJourney } from './journeys';

/**
 * The trial profile on a real Kubernetes: every dependency bundled that can run here (PostgreSQL
 * for CockroachDB, MinIO, RabbitMQ, Gorse, Traefik; search in the database for Typesense), from
 * images built locally from our Dockerfile and Debian's packages. One release, in order: install,
 * helm test, a user's journey through Traefik, faults, an upgrade, and uninstall.
 */
const NS = 'glimpse-trial';
const RELEASE = 'glimpse';
const KEPT_SECRET = 'Secret/glimpse-secrets';
const valueFiles = ['charts/glimpse/ci/trial-values.yaml', 'scripts/cluster/values-local-images.yaml', 'scripts/cluster/values-trial.yaml'].flatMap((file) => ['-f', `${ROOT}/${file}`]);

let db: Database | undefined;
let forward: { close: () => void } | undefined;
afterAll(async () => {
  await db?.close();
  forward?.close();
  // a failed run must not leave a release holding the node port for the next one
  await helm('uninstall', RELEASE, '-n', NS, '--wait').catch(() => undefined);
  await kubectl('delete', 'namespace', NS, '--ignore-not-found', '--wait=true', '--timeout=180s').catch(() => undefined);
});

async function database(): Promise<Database> {
  if (db) return db;
  const secrets = await kubectlJson('-n', NS, 'get', 'secrets');
  const secret = secrets.items.find((item) => item.data?.POSTGRES_PASSWORD);
  if (!secret) throw new Error(`no Secret with POSTGRES_PASSWORD in ${NS}`);
  const password = Buffer.from(secret.data.POSTGRES_PASSWORD, 'base64').toString();
  const pf = await portForward(NS, `svc/${RELEASE}-postgresql`, 5432);
  forward = pf;
  db = openPostgres({ url: `postgres://glimpse:${encodeURIComponent(password)}@127.0.0.1:${pf.port}/glimpse`, poolSize: 2 });
  return db;
}

const podsOf = async (component: string) =>
  (await kubectlJson('-n', NS, 'get', 'pods', '-l', `app.kubernetes.io/component=${component}`)).items.filter((pod) => !pod.metadata.deletionTimestamp);

describe.sequential('the trial profile on a real Kubernetes', () => {
  it('installs with helm install --wait: every pod ready', async () => {
    const started = Date.now();
    await helm('install', RELEASE, `${ROOT}/charts/glimpse`, '-n', NS, '--create-namespace', ...valueFiles, '--wait', '--timeout', '15m');
    console.log(`trial: helm install --wait took ${((Date.now() - started) / 1000).toFixed(0)} s`);
    const pods = await kubectlJson('-n', NS, 'get', 'pods');
    const running = pods.items.filter((pod) => pod.status.phase === 'Running');
    for (const pod of running) expect(pod.status.containerStatuses.every((c: { ready: boolean }) => c.ready), pod.metadata.name).toBe(true);
    const components = new Set(running.map((pod) => pod.metadata.labels['app.kubernetes.io/component']));
    for (const component of ['auth', 'upload', 'feed', 'search', 'static', 'web', 'image-processor', 'image-tagger', 'indexer', 'postgresql', 'minio', 'rabbitmq', 'gorse']) {
      expect(components.has(component), `a running ${component} pod`).toBe(true);
    }
  });

  it('passes helm test: every service answers, through the services and through Traefik', async () => {
    const output = await helm('test', RELEASE, '-n', NS, '--logs', '--timeout', '5m');
    expect(output).toMatch(/Phase:\s+Succeeded/);
  });

  it('serves a user through Traefik: five photos ready once, served, searchable, forYou, private hidden', async () => {
    await userJourney(await database(), 'trial');
  });

  it('loses nothing when the image-processor pod is deleted mid-burst: every image ready exactly once', async () => {
    const carol = await signUp(SITE, 'trial_carol');
    const files = await Promise.all(Array.from({ length: 12 }, (_, i) => noiseJpeg(1600 + i * 8, 1200)));
    const [victim] = await podsOf('image-processor');
    const ids: string[] = [];
    for (const [i, file] of files.entries()) {
      ids.push(await uploadWithOneRetry(carol, file, `burst ${i}`));
      if (i === 3) await kubectl('-n', NS, 'delete', 'pod', victim!.metadata.name, '--wait=false');
    }
    for (const id of ids) expect((await settle(carol, id, 300_000)).status, `image ${id}`).toBe('ready');
    await expectReadyExactlyOnce(await database(), ids);
    expect((await podsOf('image-processor')).map((pod) => pod.metadata.name)).not.toContain(victim!.metadata.name);
  });

  it('rolls the upload Deployment during uploads: no upload fails beyond one retry', async () => {
    const dave = await signUp(SITE, 'trial_dave');
    const files = await Promise.all(Array.from({ length: 16 }, (_, i) => noiseJpeg(800, 600 + i)));
    const before = (await podsOf('upload')).map((pod) => pod.metadata.name);
    const stats = { retried: 0, paced: 0 };
    const ids: string[] = [];
    let rolled: Promise<string> | undefined;
    for (const [i, file] of files.entries()) {
      ids.push(await uploadWithOneRetry(dave, file, `rolling ${i}`, stats));
      if (i === 2) rolled = kubectl('-n', NS, 'rollout', 'restart', `deployment/${RELEASE}-upload`).then(() => kubectl('-n', NS, 'rollout', 'status', `deployment/${RELEASE}-upload`, '--timeout=5m'));
    }
    await rolled;
    console.log(`trial: ${stats.retried} of ${files.length} uploads needed their one retry during the roll (${stats.paced} waits on a 429)`);
    const after = (await podsOf('upload')).map((pod) => pod.metadata.name);
    expect(after.some((name) => !before.includes(name)), 'the upload pod was replaced').toBe(true);
    for (const id of ids) expect((await settle(dave, id, 300_000)).status).toBe('ready');
    expect(new Set(ids).size).toBe(files.length);
  });

  it('upgrades with a changed value: migrations run once, pods roll, no request fails', async () => {
    const db = await database();
    const ledgerBefore = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    const before = new Map((await kubectlJson('-n', NS, 'get', 'pods', '-l', 'glimpse.dev/kind')).items.map((pod) => [pod.metadata.labels['app.kubernetes.io/component'], pod.metadata.name]));
    const { items: [card] } = await apiClients(SITE).feed.latest.query({ limit: 1 });
    let stop = false;
    const failures: string[] = [];
    let requests = 0;
    const load = (async () => {
      while (!stop) {
        for (const path of ['/api/feed/latest?input=%7B%22limit%22%3A5%7D', card!.urls.thumb.webp, '/']) {
          requests++;
          try {
            const response = await fetch(`${SITE}${path}`);
            await response.arrayBuffer();
            if (response.status !== 200) failures.push(`${path}: ${response.status}`);
          } catch (error) {
            failures.push(`${path}: ${String(error)}`);
          }
        }
      }
    })();
    await helm('upgrade', RELEASE, `${ROOT}/charts/glimpse`, '-n', NS, ...valueFiles, '--set', 'config.logLevel=debug', '--wait', '--timeout', '15m');
    stop = true;
    await load;
    console.log(`trial: ${requests} requests during helm upgrade, ${failures.length} failed`);
    expect(failures, `${failures.length} of ${requests} requests failed during the upgrade`).toEqual([]);
    const ledgerAfter = await db.query<{ id: string }>('SELECT id FROM schema_migrations ORDER BY id');
    expect(ledgerAfter).toEqual(ledgerBefore);
    // Pods still terminating after the roll are listed too: only the live ones count.
    const live = (await kubectlJson('-n', NS, 'get', 'pods', '-l', 'glimpse.dev/kind')).items.filter((pod) => !(pod.metadata as { deletionTimestamp?: string }).deletionTimestamp);
    for (const component of ['auth', 'upload', 'feed', 'search', 'static', 'image-processor']) {
      const names = live.filter((pod) => pod.metadata.labels['app.kubernetes.io/component'] === component).map((pod) => pod.metadata.name);
      expect(names.length, `${component} has a live pod`).toBeGreaterThan(0);
      expect(names, `${component} rolled`).not.toContain(before.get(component));
    }
    // `helm upgrade --wait` waits for the Deployments, not for the revision's migration Job (the
    // services find the schema already there and start), so the Job may still be running here.
    const migrate = await waitFor('every migration Job to succeed', async () => {
      const jobs = (await kubectlJson('-n', NS, 'get', 'jobs')).items.filter((job) => job.metadata.name.includes('migrate'));
      return jobs.length > 0 && jobs.every((job) => job.status.succeeded === 1 || job.status.failed) && jobs;
    });
    for (const job of migrate) expect(job.status.succeeded, job.metadata.name).toBe(1);
  });

  it('uninstalls with helm uninstall, leaving nothing but the PVCs and the Secret that opens them', async () => {
    await db?.close();
    db = undefined;
    forward?.close();
    forward = undefined;
    await helm('uninstall', RELEASE, '-n', NS, '--wait', '--timeout', '5m');
    let left: string[] = [];
    await waitFor('only PVCs left', async () => {
      left = await leftovers(NS);
      return left.every((name) => name.startsWith('PersistentVolumeClaim/') || name === KEPT_SECRET);
    }, 120_000).catch(() => undefined);
    // the generated Secret is kept (helm.sh/resource-policy: keep): a new install reads the
    // same passwords back instead of locking itself out of the data in the PVCs
    expect(left.filter((name) => !name.startsWith('PersistentVolumeClaim/') && name !== KEPT_SECRET), 'objects left after helm uninstall').toEqual([]);
    expect(left).toContain(KEPT_SECRET);
    expect(left.length, 'the bundled dependencies keep their data').toBeGreaterThan(0);
    const clusterWide = await kubectlJson('get', 'clusterroles,clusterrolebindings', '-l', `app.kubernetes.io/instance=${RELEASE}`);
    expect(clusterWide.items.map((item) => item.metadata.name)).toEqual([]);
    await kubectl('delete', 'namespace', NS, '--wait=true', '--timeout=180s');
  });
});
