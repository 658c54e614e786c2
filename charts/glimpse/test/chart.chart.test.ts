// What the chart renders, checked without a cluster: the trial profile has every route, every
// worker and every dependency of the shape; the production profile bundles none of them; the
// Ingress profile routes the same paths; every pod is locked down; bad values are refused.
//
// Needs helm (scripts/tools/install.sh helm); scripts/chart/check.sh runs this file.
import { execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(CHART, '../..');
const TOOLS = process.env.GLIMPSE_TOOLS_DIR ?? join(homedir(), '.cache/glimpse-tools');
const HELM = existsSync(join(TOOLS, 'bin/helm')) ? join(TOOLS, 'bin/helm') : 'helm';

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
};

const SERVICES = ['auth', 'upload', 'feed', 'search', 'static'];
const WORKERS = ['image-processor', 'image-tagger', 'indexer'];
const DEPENDENCIES = ['cockroachdb', 'minio', 'rabbitmq', 'typesense', 'gorse'];
const ROUTES: Record<string, string> = {
  '/': 'web',
  '/api/auth': 'auth',
  '/api/upload': 'upload',
  '/api/feed': 'feed',
  '/api/search': 'search',
  '/static/image': 'static',
};

function helm(args: string[]) {
  return spawnSync(HELM, args, { cwd: ROOT, encoding: 'utf8' });
}

function render(profile: string | null, extra: string[] = []): K8sObject[] {
  const args = ['template', 'glimpse', CHART, '--namespace', 'glimpse'];
  if (profile) args.push('-f', profile);
  const result = helm([...args, ...extra]);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout)
    .map((doc) => doc.toJS() as K8sObject)
    .filter((object) => object && object.kind);
}

const component = (o: K8sObject) => o.metadata.labels?.['app.kubernetes.io/component'];
const named = (objects: K8sObject[], kind: string, name: string) =>
  objects.find((o) => o.kind === kind && o.metadata.name === name);
const workloads = (objects: K8sObject[]) =>
  objects.filter((o) => ['Deployment', 'StatefulSet', 'Job'].includes(o.kind));
const podSpec = (o: K8sObject) => o.spec.template.spec;

function routesOfIngressRoute(objects: K8sObject[]) {
  const routes = new Map<string, { service: string; middlewares: string[] }>();
  for (const ir of objects.filter((o) => o.kind === 'IngressRoute')) {
    for (const route of ir.spec.routes) {
      const path = /Path(?:Prefix)?\(`([^`]+)`\)/.exec(route.match)?.[1];
      if (!path) continue;
      routes.set(path, {
        service: route.services[0].name,
        middlewares: (route.middlewares ?? []).map((m: { name: string }) => m.name),
      });
    }
  }
  return routes;
}

function checkLockedDown(objects: K8sObject[]) {
  const problems: string[] = [];
  for (const w of workloads(objects)) {
    const spec = podSpec(w);
    const where = `${w.kind}/${w.metadata.name}`;
    if (spec.securityContext?.runAsNonRoot !== true) problems.push(`${where}: pod runAsNonRoot`);
    if (spec.securityContext?.seccompProfile?.type !== 'RuntimeDefault') problems.push(`${where}: pod seccomp`);
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const sc = c.securityContext ?? {};
      const at = `${where}/${c.name}`;
      if (sc.allowPrivilegeEscalation !== false) problems.push(`${at}: allowPrivilegeEscalation`);
      if (sc.readOnlyRootFilesystem !== true) problems.push(`${at}: readOnlyRootFilesystem`);
      if (sc.runAsNonRoot !== true) problems.push(`${at}: runAsNonRoot`);
      if (!(sc.runAsUser > 0)) problems.push(`${at}: runAsUser`);
      if (JSON.stringify(sc.capabilities?.drop) !== '["ALL"]') problems.push(`${at}: capabilities.drop`);
      if (sc.privileged) problems.push(`${at}: privileged`);
      if (!c.resources?.requests?.memory || !c.resources?.limits?.memory) problems.push(`${at}: resources`);
      if (/:latest$|:nightly$|^[^:@]+$/.test(c.image)) problems.push(`${at}: unpinned image ${c.image}`);
    }
    if (w.kind !== 'Job' && !w.metadata.name.endsWith('-traefik') && spec.automountServiceAccountToken !== false) {
      problems.push(`${where}: automountServiceAccountToken`);
    }
  }
  return problems;
}

describe('trial profile (everything bundled)', () => {
  const objects = render('charts/glimpse/ci/trial-values.yaml');

  it('routes every path of the shape through Traefik, with the middlewares', () => {
    const routes = routesOfIngressRoute(objects);
    for (const [path, service] of Object.entries(ROUTES)) {
      expect(routes.get(path)?.service, `route ${path}`).toBe(`glimpse-${service}`);
      expect(routes.get(path)?.middlewares, `security headers on ${path}`).toContain('glimpse-security-headers');
    }
    expect(routes.get('/api/auth')?.middlewares).toContain('glimpse-ratelimit-auth');
    expect(routes.get('/api/upload')?.middlewares).toEqual(
      expect.arrayContaining(['glimpse-ratelimit-upload', 'glimpse-upload-body']),
    );
    expect(routes.get('/.well-known/jwks.json')?.service).toBe('glimpse-auth');
    for (const m of ['security-headers', 'ratelimit-auth', 'ratelimit-upload', 'upload-body']) {
      expect(named(objects, 'Middleware', `glimpse-${m}`), m).toBeDefined();
    }
    const body = named(objects, 'Middleware', 'glimpse-upload-body')!;
    expect(body.spec.buffering.maxRequestBodyBytes).toBeGreaterThan(52428800);
    // every middleware a route names exists
    for (const { middlewares } of routesOfIngressRoute(objects).values()) {
      for (const m of middlewares) expect(named(objects, 'Middleware', m), m).toBeDefined();
    }
  });

  it('runs every service with a Service, probes and one replica', () => {
    for (const name of [...SERVICES, 'web']) {
      const deployment = named(objects, 'Deployment', `glimpse-${name}`);
      expect(deployment, name).toBeDefined();
      expect(deployment!.spec.replicas).toBe(1);
      expect(named(objects, 'Service', `glimpse-${name}`), `Service of ${name}`).toBeDefined();
      const c = podSpec(deployment!).containers[0];
      expect(c.startupProbe.httpGet.path).toBe('/healthz');
      expect(c.livenessProbe.httpGet.path).toBe('/healthz');
      expect(c.readinessProbe.httpGet.path).toBe('/readyz');
    }
  });

  it('runs every worker, probed on its own port', () => {
    for (const name of WORKERS) {
      const deployment = named(objects, 'Deployment', `glimpse-${name}`);
      expect(deployment, name).toBeDefined();
      expect(deployment!.metadata.labels?.['glimpse.dev/kind']).toBe('worker');
      expect(podSpec(deployment!).containers[0].readinessProbe.httpGet.path).toBe('/readyz');
    }
  });

  it('bundles every dependency of the shape, and Traefik', () => {
    for (const dep of DEPENDENCIES) {
      expect(named(objects, 'StatefulSet', `glimpse-${dep}`), dep).toBeDefined();
      expect(named(objects, 'Service', `glimpse-${dep}`), `Service of ${dep}`).toBeDefined();
    }
    expect(named(objects, 'Deployment', 'glimpse-traefik')).toBeDefined();
    const config = named(objects, 'ConfigMap', 'glimpse-config')!;
    expect(config.data!.S3_ENDPOINT).toBe('http://glimpse-minio.glimpse.svc.cluster.local:9000');
    expect(config.data!.TYPESENSE_URL).toContain('glimpse-typesense');
    expect(config.data!.GORSE_URL).toContain('glimpse-gorse');
    expect(config.data!.AUTH_JWKS_URL).toBe('http://glimpse-auth.glimpse.svc.cluster.local:8080/.well-known/jwks.json');
    const secret = named(objects, 'Secret', 'glimpse-secrets')!;
    expect(secret.stringData!.DATABASE_URL).toMatch(/^postgresql:\/\/root@glimpse-cockroachdb\./);
    expect(secret.stringData!.AMQP_URL).toMatch(/^amqp:\/\/glimpse:[A-Za-z0-9]+@glimpse-rabbitmq\./);
    expect(secret.stringData!.AUTH_PRIVATE_KEY).toContain('-----BEGIN PRIVATE KEY-----');
  });

  it('migrates in a hook Job that waits for the database', () => {
    const job = named(objects, 'Job', 'glimpse-migrate')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBe('post-install,pre-upgrade');
    expect(podSpec(job).containers[0].args).toEqual(['migrate']);
    expect(podSpec(job).initContainers[0].name).toBe('wait-for-database');
    expect(named(objects, 'Job', 'glimpse-test-api')?.metadata.annotations?.['helm.sh/hook']).toBe('test');
  });

  it('locks every pod down', () => {
    expect(checkLockedDown(objects)).toEqual([]);
  });

  it('gives only the auth service the signing key', () => {
    for (const o of workloads(objects)) {
      const envNames = podSpec(o).containers.flatMap((c: any) => (c.env ?? []).map((e: any) => e.name));
      expect(envNames.includes('AUTH_PRIVATE_KEY'), o.metadata.name).toBe(o.metadata.name === 'glimpse-auth');
    }
  });
});

describe('production profile (everything external)', () => {
  const objects = render('charts/glimpse/ci/production-values.yaml');

  it('bundles none of the dependencies', () => {
    const bundled = objects.filter((o) => [...DEPENDENCIES, 'postgresql', 'ingress-controller'].includes(component(o) ?? ''));
    expect(bundled.map((o) => `${o.kind}/${o.metadata.name}`)).toEqual([]);
    expect(objects.filter((o) => o.kind === 'StatefulSet')).toEqual([]);
    expect(objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'glimpse-secrets')).toEqual([]);
  });

  it('still runs every service and worker and routes every path', () => {
    for (const name of [...SERVICES, 'web', ...WORKERS]) expect(named(objects, 'Deployment', `glimpse-${name}`), name).toBeDefined();
    const routes = routesOfIngressRoute(objects);
    for (const [path, service] of Object.entries(ROUTES)) expect(routes.get(path)?.service).toBe(`glimpse-${service}`);
    expect(objects.find((o) => o.kind === 'IngressRoute' && o.metadata.name === 'glimpse')?.spec.tls.secretName).toBe('glimpse-tls');
  });

  it('reads every secret from the existing Secret', () => {
    for (const o of workloads(objects)) {
      for (const c of podSpec(o).containers) {
        for (const e of c.env ?? []) {
          if (e.valueFrom?.secretKeyRef) expect(e.valueFrom.secretKeyRef.name, `${o.metadata.name} ${e.name}`).toBe('glimpse-secrets');
        }
      }
    }
    const config = named(objects, 'ConfigMap', 'glimpse-config')!;
    expect(config.data!.S3_ENDPOINT).toBe('https://s3.eu-west-1.amazonaws.com');
    expect(config.data!.DATABASE_CA_CERT).toBe('/etc/glimpse/database-ca/ca.crt');
  });

  it('scales: HPA and PDB for every service, KEDA for the queue workers', () => {
    for (const name of SERVICES) {
      expect(named(objects, 'HorizontalPodAutoscaler', `glimpse-${name}`), `HPA ${name}`).toBeDefined();
      expect(named(objects, 'Deployment', `glimpse-${name}`)!.spec.replicas, `${name} replicas left to the HPA`).toBeUndefined();
    }
    for (const name of [...SERVICES, 'web', ...WORKERS]) {
      expect(named(objects, 'PodDisruptionBudget', `glimpse-${name}`), `PDB ${name}`).toBeDefined();
    }
    const queues = objects.filter((o) => o.kind === 'ScaledObject').map((o) => o.spec.triggers[0].metadata.queueName);
    expect(queues.sort()).toEqual(['process-images', 'tag-images']);
    expect(named(objects, 'Deployment', 'glimpse-web')!.spec.replicas).toBe(3);
  });

  it('denies by default and allows the shape', () => {
    const policies = objects.filter((o) => o.kind === 'NetworkPolicy').map((o) => o.metadata.name);
    expect(policies).toEqual(expect.arrayContaining(['glimpse-default-deny', 'glimpse-dns', 'glimpse-http', 'glimpse-app-egress']));
    const deny = named(objects, 'NetworkPolicy', 'glimpse-default-deny')!;
    expect(deny.spec.policyTypes).toEqual(['Ingress', 'Egress']);
    expect(deny.spec.ingress).toBeUndefined();
  });

  it('migrates before install and upgrade', () => {
    expect(named(objects, 'Job', 'glimpse-migrate')!.metadata.annotations?.['helm.sh/hook']).toBe('pre-install,pre-upgrade');
  });

  it('locks every pod down', () => {
    expect(checkLockedDown(objects)).toEqual([]);
  });
});

describe('ingress profile (standard Ingress, bundled PostgreSQL)', () => {
  const objects = render('charts/glimpse/ci/ingress-values.yaml');

  it('routes every path with one Ingress and no Traefik objects', () => {
    const ingress = objects.find((o) => o.kind === 'Ingress')!;
    expect(ingress.spec.ingressClassName).toBe('nginx');
    const paths = Object.fromEntries(
      ingress.spec.rules[0].http.paths.map((p: any) => [p.path, p.backend.service.name]),
    );
    for (const [path, service] of Object.entries(ROUTES)) expect(paths[path], path).toBe(`glimpse-${service}`);
    expect(objects.filter((o) => o.apiVersion.startsWith('traefik.io/'))).toEqual([]);
  });

  it('bundles PostgreSQL instead of CockroachDB', () => {
    expect(named(objects, 'StatefulSet', 'glimpse-postgresql')).toBeDefined();
    expect(named(objects, 'StatefulSet', 'glimpse-cockroachdb')).toBeUndefined();
    expect(named(objects, 'Secret', 'glimpse-secrets')!.stringData!.DATABASE_URL).toMatch(
      /^postgresql:\/\/glimpse:[A-Za-z0-9]+@glimpse-postgresql\.glimpse\.svc\.cluster\.local:5432\/glimpse/,
    );
  });

  it('locks every pod down', () => {
    expect(checkLockedDown(objects)).toEqual([]);
  });
});

describe('values that do not fit are refused', () => {
  const fails = (extra: string[], message: RegExp) => {
    const result = helm(['template', 'glimpse', CHART, ...extra]);
    expect(result.status, result.stdout.slice(0, 200)).not.toBe(0);
    expect(result.stderr).toMatch(message);
  };

  it('rejects unknown keys (values.schema.json)', () => {
    fails(['--set', 'auth.replicas=2'], /additional properties 'replicas' not allowed|replicas/);
    fails(['--set', 'nosuchkey=1'], /nosuchkey/);
  });

  it('rejects wrong types and modes', () => {
    fails(['--set', 'database.mode=mysql'], /database\/mode|database.mode|mode/);
    fails(['--set-string', 'auth.replicaCount=two'], /replicaCount/);
  });

  it('refuses KEDA and an HPA on the same worker', () => {
    fails(['--set', 'indexer.keda.enabled=true', '--set', 'indexer.autoscaling.enabled=true'], /exclude each other/);
  });

  it('asks for the database URL when the database is external', () => {
    fails(['--set', 'database.mode=external'], /secrets\.databaseUrl/);
  });

  it('renders the Tilt development values', () => {
    const objects = render('k8s/values-dev.yaml');
    expect(named(objects, 'Deployment', 'glimpse-auth')).toBeDefined();
    expect(execFileSync(HELM, ['version', '--short'], { encoding: 'utf8' })).toMatch(/^v\d/);
  });
});
