// What the chart renders, checked without a cluster: the trial profile has every route, every
// worker and every dependency of the shape; the production profile bundles none of them; the
// Ingress profile routes the same paths; every pod is locked down; bad values are refused.
//
// Needs helm (scripts/tools/install.sh helm); scripts/chart/check.sh runs this file.
import { execFile, execFileSync, spawnSync } from 'node:child_process';
import { existsSync } from 'node:fs';
import { homedir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';
import { startStandIns, type IngressRule, type StandIns } from './stand-ins';

const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(CHART, '../..');
const TOOLS = process.env.GLIMPSE_TOOLS_DIR ?? join(homedir(), '.cache/glimpse-tools');
const HELM = existsSync(join(TOOLS, 'bin/helm')) ? join(TOOLS, 'bin/helm') : 'helm';

type K8sObject = {
  apiVersion: string;
  kind: string;
  metadata: { name: string; namespace?: string; labels?: Record<string, string>; annotations?: Record<string, string> };
  spec?: any;
  data?: Record<string, string>;
  stringData?: Record<string, string>;
  rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }>;
  roleRef?: { kind: string; name: string };
  subjects?: Array<{ kind: string; name: string; namespace?: string }>;
  automountServiceAccountToken?: boolean;
};

const SERVICES = ['auth', 'upload', 'feed', 'search', 'static'];
const WORKERS = ['image-processor', 'image-tagger', 'indexer', 'notifier'];
const DEPENDENCIES = ['cockroachdb', 'minio', 'rabbitmq', 'typesense', 'gorse'];
const ROUTES: Record<string, string> = {
  '/': 'web',
  '/api/auth': 'auth',
  '/api/upload': 'upload',
  '/api/feed': 'feed',
  '/api/search': 'search',
  '/static/image': 'static',
};

/** What Traefik v3.6.12's CRD provider watches in a namespace (its informers), as group/resource. */
const TRAEFIK_NAMESPACED = ['/services', '/secrets', '/configmaps', 'discovery.k8s.io/endpointslices'];
const TRAEFIK_CRDS = [
  'middlewares', 'middlewaretcps', 'ingressroutes', 'traefikservices', 'ingressroutetcps', 'ingressrouteudps',
  'tlsoptions', 'tlsstores', 'serverstransports', 'serverstransporttcps',
].map((r) => `traefik.io/${r}`);

/** "group/resource:verbs" for each resource a Role or ClusterRole grants (get dropped: the informers list and watch). */
function grants(role: K8sObject): string[] {
  return (role.rules ?? []).flatMap((rule) =>
    rule.apiGroups.flatMap((group) =>
      rule.resources.map((resource) => `${group}/${resource}:${rule.verbs.filter((v) => v !== 'get').join(',')}`),
    ),
  );
}

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
    // the rest of the "restricted" Pod Security Standard
    for (const field of ['hostNetwork', 'hostPID', 'hostIPC']) if (spec[field]) problems.push(`${where}: ${field}`);
    for (const v of spec.volumes ?? []) {
      const type = Object.keys(v).find((k) => k !== 'name');
      if (!RESTRICTED_VOLUME_TYPES.includes(type!)) problems.push(`${where}: volume ${v.name} of type ${type}`);
    }
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      const added = c.securityContext?.capabilities?.add ?? [];
      if (added.some((cap: string) => cap !== 'NET_BIND_SERVICE')) problems.push(`${where}/${c.name}: capabilities.add ${added}`);
      if ((c.ports ?? []).some((p: any) => p.hostPort)) problems.push(`${where}/${c.name}: hostPort`);
    }
    // a subPath of a claimed volume is a directory the kubelet creates as root: on a
    // hostPath-like volume (no fsGroup) the non-root program may not be able to write it
    const claims = new Set([
      ...(w.spec.volumeClaimTemplates ?? []).map((t: any) => t.metadata.name),
      ...(spec.volumes ?? []).filter((v: any) => v.persistentVolumeClaim).map((v: any) => v.name),
    ]);
    for (const c of spec.containers) {
      for (const m of c.volumeMounts ?? []) if (m.subPath && claims.has(m.name)) problems.push(`${where}/${c.name}: subPath ${m.subPath} of the claimed volume ${m.name}`);
    }
  }
  return problems;
}

/** Volume types the "restricted" Pod Security Standard allows. */
const RESTRICTED_VOLUME_TYPES = ['configMap', 'csi', 'downwardAPI', 'emptyDir', 'ephemeral', 'persistentVolumeClaim', 'projected', 'secret'];

/** Mount paths a container may write to (its read-only root filesystem aside). */
function writablePaths(container: any): string[] {
  return (container.volumeMounts ?? []).filter((m: any) => !m.readOnly).map((m: any) => m.mountPath);
}
const envOf = (container: any) => Object.fromEntries((container.env ?? []).map((e: any) => [e.name, e.value ?? e.valueFrom]));
const isBelow = (path: string, dirs: string[]) => dirs.some((d) => path === d || path.startsWith(`${d}/`));

const hooksOf = (o: K8sObject) => (o.metadata.annotations?.['helm.sh/hook'] ?? '').split(',').filter(Boolean);
const weightOf = (o: K8sObject) => Number(o.metadata.annotations?.['helm.sh/hook-weight'] ?? 0);

/**
 * What the pods of `hook` hooks refer to that does not exist yet when the hook runs: at
 * pre-install only hook objects of the same event with a lower weight, and what the operator
 * created beforehand (`existing`, kind/name), exist.
 */
function missingAtHook(objects: K8sObject[], hook: string, existing: string[]): string[] {
  const available = (kind: string, name: string, weight: number) =>
    existing.includes(`${kind}/${name}`) ||
    (kind === 'ServiceAccount' && name === 'default') ||
    objects.some((o) => o.kind === kind && o.metadata.name === name && hooksOf(o).includes(hook) && weightOf(o) < weight);
  const problems: string[] = [];
  for (const o of objects.filter((x) => hooksOf(x).includes(hook) && ['Job', 'Pod'].includes(x.kind))) {
    const spec = o.kind === 'Job' ? podSpec(o) : o.spec;
    const weight = weightOf(o);
    const refs: Array<[string, string]> = [['ServiceAccount', spec.serviceAccountName ?? 'default']];
    for (const c of [...(spec.initContainers ?? []), ...spec.containers]) {
      for (const e of c.env ?? []) {
        if (e.valueFrom?.secretKeyRef && !e.valueFrom.secretKeyRef.optional) refs.push(['Secret', e.valueFrom.secretKeyRef.name]);
        if (e.valueFrom?.configMapKeyRef && !e.valueFrom.configMapKeyRef.optional) refs.push(['ConfigMap', e.valueFrom.configMapKeyRef.name]);
      }
      for (const from of c.envFrom ?? []) {
        if (from.secretRef && !from.secretRef.optional) refs.push(['Secret', from.secretRef.name]);
        if (from.configMapRef && !from.configMapRef.optional) refs.push(['ConfigMap', from.configMapRef.name]);
      }
    }
    for (const v of spec.volumes ?? []) {
      if (v.secret) refs.push(['Secret', v.secret.secretName]);
      if (v.configMap) refs.push(['ConfigMap', v.configMap.name]);
    }
    for (const [kind, name] of refs) if (!available(kind, name, weight)) problems.push(`${o.kind}/${o.metadata.name} (${hook}) needs ${kind}/${name}`);
  }
  return problems;
}

/** The rendered IngressRoute as the stand-in Traefik's rules, with the headers its middlewares add. */
function ingressRules(objects: K8sObject[]): IngressRule[] {
  const headersOf = (name: string): Record<string, string> => {
    const h = named(objects, 'Middleware', name)?.spec.headers;
    if (!h) return {};
    const out: Record<string, string> = {};
    if (h.contentTypeNosniff) out['X-Content-Type-Options'] = 'nosniff';
    if (h.frameDeny) out['X-Frame-Options'] = 'DENY';
    if (h.referrerPolicy) out['Referrer-Policy'] = h.referrerPolicy;
    if (h.permissionsPolicy) out['Permissions-Policy'] = h.permissionsPolicy;
    if (h.contentSecurityPolicy) out['Content-Security-Policy'] = h.contentSecurityPolicy;
    return out;
  };
  return objects
    .filter((o) => o.kind === 'IngressRoute' && (o.spec.entryPoints ?? []).includes('web'))
    .flatMap((ir) => ir.spec.routes)
    .filter((route: any) => !route.services[0].kind)
    .map((route: any) => ({
      match: route.match,
      priority: route.priority ?? 0,
      service: route.services[0].name.replace(/^glimpse-/, ''),
      headers: Object.assign({}, ...(route.middlewares ?? []).map((m: { name: string }) => headersOf(m.name))),
    }));
}

const run = promisify(execFile);

/** Runs the rendered `helm test` script (the Job's command) with this environment; exit code and output. */
async function runApiTest(job: K8sObject, env: Record<string, string>) {
  const container = podSpec(job).containers[0];
  const rendered = Object.fromEntries(container.env.map((e: any) => [e.name, e.value]));
  const [node, ...args] = container.command as string[];
  expect(node).toBe('node');
  try {
    const { stdout } = await run(process.execPath, args, { env: { PATH: process.env.PATH, ...rendered, INGRESS_WAIT_SECONDS: '0', SETTLE_SECONDS: '0', ...env }, timeout: 60_000 });
    return { code: 0, stdout };
  } catch (error) {
    const failure = error as { code?: number; stdout?: string; stderr?: string };
    return { code: failure.code ?? -1, stdout: `${failure.stdout ?? ''}${failure.stderr ?? ''}` };
  }
}

describe('trial profile (everything bundled)', () => {
  const objects = render('charts/glimpse/ci/trial-values.yaml');

  it('routes every path of the shape through Traefik, with the middlewares', () => {
    const routes = routesOfIngressRoute(objects);
    for (const [path, service] of Object.entries(ROUTES)) {
      expect(routes.get(path)?.service, `route ${path}`).toBe(`glimpse-${service}`);
      expect(routes.get(path)?.middlewares, `security headers on ${path}`).toContain('glimpse-security-headers');
    }
    // The JSON 429 (errors middleware) wraps each rate limit, so it comes first.
    expect(routes.get('/api/auth')?.middlewares).toEqual(['glimpse-security-headers', 'glimpse-api-no-store', 'glimpse-too-many-auth', 'glimpse-ratelimit-auth']);
    expect(routes.get('/api/upload/create')?.middlewares).toEqual(['glimpse-security-headers', 'glimpse-api-no-store', 'glimpse-too-many-upload', 'glimpse-ratelimit-upload', 'glimpse-upload-body']);
    expect(routes.get('/api/upload')?.middlewares).toEqual(['glimpse-security-headers', 'glimpse-api-no-store', 'glimpse-too-many-upload-api', 'glimpse-ratelimit-upload-api', 'glimpse-upload-body']);
    expect(routes.get('/.well-known/jwks.json')?.service).toBe('glimpse-auth');
    for (const m of ['security-headers', 'ratelimit-auth', 'ratelimit-upload', 'ratelimit-upload-api', 'upload-body']) {
      expect(named(objects, 'Middleware', `glimpse-${m}`), m).toBeDefined();
    }
    const body = named(objects, 'Middleware', 'glimpse-upload-body')!;
    expect(body.spec.buffering.maxRequestBodyBytes).toBeGreaterThan(52428800);
    // every middleware a route names exists
    for (const { middlewares } of routesOfIngressRoute(objects).values()) {
      for (const m of middlewares) expect(named(objects, 'Middleware', m), m).toBeDefined();
    }
  });

  it('limits sign-in per address and uploads per bearer token, with the numbers of README.md, and answers 429 in JSON', () => {
    const spec = (name: string) => named(objects, 'Middleware', `glimpse-${name}`)!.spec;
    expect(spec('ratelimit-auth').rateLimit).toMatchObject({ average: 5, period: '1s', burst: 20, sourceCriterion: { ipStrategy: { depth: 0 } } });
    expect(spec('ratelimit-upload').rateLimit).toMatchObject({ average: 60, period: '1m', burst: 100, sourceCriterion: { requestHeaderName: 'Authorization' } });
    expect(spec('ratelimit-upload-api').rateLimit).toMatchObject({ average: 50, period: '1s', burst: 200, sourceCriterion: { requestHeaderName: 'Authorization' } });
    expect(spec('too-many-upload').errors).toEqual({ status: ['429'], service: { name: 'glimpse-upload', port: 'http' }, query: '/_glimpse/too-many-requests?limit=upload&retryAfter=1' });
    expect(spec('too-many-auth').errors.service.name).toBe('glimpse-auth');
    expect(spec('too-many-upload-api').errors.query).toBe('/_glimpse/too-many-requests?limit=upload-api&retryAfter=1');
    // The upload service counts per verified user with the same numbers.
    const config = objects.find((o) => o.kind === 'ConfigMap' && o.data?.UPLOAD_BURST)!;
    expect(config.data).toMatchObject({ UPLOAD_BURST: '100', UPLOADS_PER_MINUTE: '60' });
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

  it('migrates a bundled database in a Job of the release, one per revision, that waits for the database', () => {
    // not a post-install hook: `helm install --wait` waits for services that need the schema
    // before it runs post-install hooks, so the two would wait for each other
    const job = named(objects, 'Job', 'glimpse-migrate-r1')!;
    expect(job.metadata.annotations?.['helm.sh/hook']).toBeUndefined();
    expect(podSpec(job).containers[0].args).toEqual(['migrate']);
    expect(podSpec(job).initContainers[0].name).toBe('wait-for-database');
    expect(podSpec(job).serviceAccountName).toBe('glimpse');
    expect(named(objects, 'Job', 'glimpse-test-api')?.metadata.annotations?.['helm.sh/hook']).toBe('test');
    expect(named(objects, 'Job', 'glimpse-test-api')?.metadata.annotations?.['helm.sh/hook-delete-policy']).toContain('hook-succeeded');
  });

  it('grants the bundled Traefik what its providers watch: nodes cluster-wide, the rest in the namespace', () => {
    const role = named(objects, 'Role', 'glimpse-traefik')!;
    const clusterRole = named(objects, 'ClusterRole', 'glimpse-traefik-glimpse')!;
    expect(role.metadata.namespace).toBe('glimpse');
    // what Traefik v3.6's CRD provider lists and watches (pkg/provider/kubernetes/crd/client.go)
    expect(grants(role)).toEqual(expect.arrayContaining([...TRAEFIK_NAMESPACED, ...TRAEFIK_CRDS].map((r) => `${r}:list,watch`)));
    expect(grants(clusterRole)).toEqual(['/nodes:list,watch']);
    // a Role cannot grant cluster-scoped objects: nodes must not be (only) there
    expect(grants(role).some((g) => g.startsWith('/nodes'))).toBe(false);
    for (const [kind, name, roleKind] of [['RoleBinding', 'glimpse-traefik', 'Role'], ['ClusterRoleBinding', 'glimpse-traefik-glimpse', 'ClusterRole']] as const) {
      const binding = named(objects, kind, name)!;
      expect(binding.roleRef).toMatchObject({ kind: roleKind, name });
      expect(binding.subjects).toEqual([{ kind: 'ServiceAccount', name: 'glimpse-traefik', namespace: 'glimpse' }]);
    }
    const args: string[] = podSpec(named(objects, 'Deployment', 'glimpse-traefik')!).containers[0].args;
    expect(args).toContain('--providers.kubernetesCRD.namespaces=glimpse');
    expect(args.some((a) => a.includes('disableClusterScopeResources'))).toBe(false);
  });

  it('grants the Ingress provider, watching every namespace, or no cluster scope at all, as asked', () => {
    const wide = render('charts/glimpse/ci/trial-values.yaml', ['--set', 'traefik.watchNamespaceOnly=false', '--set', 'traefik.providers.kubernetesIngress=true']);
    expect(wide.filter((o) => o.kind === 'Role')).toEqual([]);
    const all = grants(named(wide, 'ClusterRole', 'glimpse-traefik-glimpse')!);
    expect(all).toEqual(expect.arrayContaining([...TRAEFIK_NAMESPACED, ...TRAEFIK_CRDS, '/nodes', 'networking.k8s.io/ingresses', 'networking.k8s.io/ingressclasses'].map((r) => `${r}:list,watch`)));
    expect(all).toContain('networking.k8s.io/ingresses/status:update');
    expect(podSpec(named(wide, 'Deployment', 'glimpse-traefik')!).containers[0].args).toContain('--providers.kubernetesIngress=true');

    const narrow = render('charts/glimpse/ci/trial-values.yaml', ['--set', 'traefik.providers.disableClusterScopeResources=true']);
    expect(narrow.filter((o) => o.kind.startsWith('Cluster'))).toEqual([]);
    expect(podSpec(named(narrow, 'Deployment', 'glimpse-traefik')!).containers[0].args).toContain('--providers.kubernetesCRD.disableClusterScopeResources=true');
  });

  it('gives gorse a home directory it can write on a read-only root filesystem, for any image', () => {
    const gorse = named(objects, 'StatefulSet', 'glimpse-gorse')!;
    const c = podSpec(gorse).containers[0];
    const uid = podSpec(gorse).securityContext.runAsUser;
    // the passwd entry of its uid names the home; an emptyDir is mounted there
    const passwd = named(objects, 'ConfigMap', 'glimpse-gorse')!.data!.passwd!;
    const entry = passwd.split('\n').find((line) => line.split(':')[2] === String(uid))!;
    const home = entry.split(':')[5]!;
    expect(c.volumeMounts).toContainEqual(expect.objectContaining({ mountPath: '/etc/passwd', subPath: 'passwd', readOnly: true }));
    const homeMount = c.volumeMounts.find((m: any) => m.mountPath === home);
    expect(podSpec(gorse).volumes.find((v: any) => v.name === homeMount.name).emptyDir).toBeDefined();
    expect(envOf(c)).toMatchObject({ HOME: home, USER: entry.split(':')[0] });
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    // the cache folder (--cache-path) is a mount point, so it exists; the stores are on the volume
    const cachePath = c.args[c.args.indexOf('--cache-path') + 1];
    expect(writablePaths(c)).toContain(cachePath);
    const config = named(objects, 'ConfigMap', 'glimpse-gorse')!.data!['config.toml']!;
    for (const path of [...config.matchAll(/sqlite:\/\/(\/[^"]+)/g)].map((m) => m[1]!)) expect(isBelow(path, writablePaths(c)), path).toBe(true);
    // another uid gets its own entry
    const other = render('charts/glimpse/ci/trial-values.yaml', ['--set', 'dependencySecurity.gorse.runAsUser=12345']);
    expect(named(other, 'ConfigMap', 'glimpse-gorse')!.data!.passwd).toMatch(/^gorse:x:12345:65532:gorse:\/home\/gorse:/m);
  });

  it('runs the test script that finds every route through the ingress', () => {
    const job = named(objects, 'Job', 'glimpse-test-api')!;
    const env = envOf(podSpec(job).containers[0]);
    expect(env.INGRESS_URL).toBe('http://glimpse-traefik.glimpse.svc.cluster.local:80');
    expect(env.INGRESS_HOST).toBe('glimpse.local');
    expect(JSON.parse(env.INGRESS_HEADERS)).toMatchObject({ 'x-frame-options': 'DENY', 'content-security-policy': expect.stringContaining("default-src 'self'") });
    const script = podSpec(job).containers[0].command.at(-1);
    expect(script).toContain("from 'node:http'");
    const code = script.split('\n').filter((line: string) => !line.trim().startsWith('//')).join('\n');
    expect(code).not.toMatch(/\bfetch\(/);
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

  it('runs the pre-install migration on what exists before the release: its own ServiceAccount, no token', () => {
    // the Secret and the database CA are the operator's (created beforehand, as README says)
    const existing = ['Secret/glimpse-secrets', 'Secret/crdb-ca'];
    expect(missingAtHook(objects, 'pre-install', existing)).toEqual([]);
    const job = named(objects, 'Job', 'glimpse-migrate')!;
    expect(podSpec(job).serviceAccountName).toBe('glimpse-migrate');
    expect(podSpec(job).automountServiceAccountToken).toBe(false);
    const account = named(objects, 'ServiceAccount', 'glimpse-migrate')!;
    expect(hooksOf(account)).toEqual(['pre-install', 'pre-upgrade']);
    expect(weightOf(account)).toBeLessThan(weightOf(job));
    expect(account.automountServiceAccountToken).toBe(false);
    // the release's own ServiceAccount is no hook: it would not exist yet
    expect(hooksOf(named(objects, 'ServiceAccount', 'glimpse')!)).toEqual([]);
  });

  it('runs the pre-install migration without an existing Secret, from a hook Secret of its own', () => {
    const own = render('charts/glimpse/ci/production-values.yaml', [
      ...['secrets.existingSecret=', 'secrets.databaseUrl=postgresql://u:p@db:26257/glimpse', 'secrets.s3AccessKey=a', 'secrets.s3SecretKey=b'],
      ...['secrets.amqpUrl=amqp://u:p@mq:5672/', 'secrets.typesenseApiKey=c', 'secrets.gorseApiKey=d'],
    ].flatMap((v) => ['--set', v]));
    expect(missingAtHook(own, 'pre-install', ['Secret/crdb-ca'])).toEqual([]);
    expect(podSpec(named(own, 'Job', 'glimpse-migrate')!).containers[0].env.find((e: any) => e.name === 'DATABASE_URL').valueFrom.secretKeyRef.name).toBe('glimpse-migrate');
  });

  it('runs the migration under an existing ServiceAccount when the chart creates none', () => {
    const own = render('charts/glimpse/ci/production-values.yaml', ['--set', 'serviceAccount.create=false', '--set', 'serviceAccount.name=glimpse-iam']);
    expect(own.filter((o) => o.kind === 'ServiceAccount')).toEqual([]);
    expect(missingAtHook(own, 'pre-install', ['Secret/glimpse-secrets', 'Secret/crdb-ca', 'ServiceAccount/glimpse-iam'])).toEqual([]);
    expect(podSpec(named(own, 'Job', 'glimpse-migrate')!).serviceAccountName).toBe('glimpse-iam');
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

describe('the helm test script, run against stand-ins of the services and of Traefik', () => {
  const objects = render('charts/glimpse/ci/trial-values.yaml');
  const job = named(objects, 'Job', 'glimpse-test-api')!;
  const names = Object.keys(JSON.parse(envOf(podSpec(job).containers[0]).SERVICES));
  const rules = ingressRules(objects);
  let standIns: StandIns;
  /** Runs the script against fresh stand-ins whose Traefik has these routes. */
  const runWith = async (routes: IngressRule[]) => {
    const others = await startStandIns(names, routes);
    try {
      return await runApiTest(job, { SERVICES: JSON.stringify(others.services), INGRESS_URL: others.ingressUrl });
    } finally {
      await others.close();
    }
  };
  beforeAll(async () => {
    standIns = await startStandIns(names, rules);
  });
  afterAll(() => standIns?.close());

  it('passes when every route of the rendered IngressRoute reaches its service', async () => {
    expect(rules.map((r) => r.service).sort()).toEqual(['auth', 'auth', 'auth', 'auth', 'feed', 'search', 'static', 'upload', 'upload', 'web']);
    const result = await runApiTest(job, { SERVICES: JSON.stringify(standIns.services), INGRESS_URL: standIns.ingressUrl });
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(result.stdout).toContain('ok   ingress / (web app, security headers)');
    expect(result.stdout).toContain('ok   ingress routes only its host name');
    expect(result.code, result.stdout).toBe(0);
  });

  // Without its own route, /api/upload/create still reaches the upload service through the
  // /api/upload prefix (only its rate limit differs, which the render tests above check), so
  // the helm test rightly passes then: that route is left out here.
  const essential = rules.filter((r) => !r.match.includes('/api/upload/create'));
  it.each(essential.map((r) => [r.match, r] as const))('fails when the route %s is missing', async (_match, missing) => {
    const result = await runWith(rules.filter((r) => r !== missing));
    expect(result.code, result.stdout).toBe(1);
    expect(result.stdout).toMatch(/^FAIL ingress /m);
    expect(result.stdout).not.toMatch(/^\d+ passed, 0 failed$/m);
  });

  it("passes none of the ingress checks on Traefik's own 404 (no route at all)", async () => {
    const result = await runWith([]);
    expect(result.code).toBe(1);
    const ingressLines = result.stdout.split('\n').filter((line) => / ingress /.test(line));
    expect(ingressLines.length).toBeGreaterThanOrEqual(8);
    // the one check that expects no answer for another host name is rightly satisfied
    expect(ingressLines.filter((line) => line.startsWith('ok'))).toEqual(['ok   ingress routes only its host name: 404']);
  });

  it('fails without the security-headers middleware, and when the routes ignore the Host header', async () => {
    const bare = await runWith(rules.map((r) => ({ ...r, headers: {} })));
    expect(bare.code).toBe(1);
    expect(bare.stdout).toMatch(/^FAIL ingress \/ \(web app, security headers\): .*content-security-policy/m);
    const anyHost = await runWith(rules.map((r) => ({ ...r, match: r.match.replace(/^Host\(`[^`]*`\) && /, '') })));
    expect(anyHost.code).toBe(1);
    expect(anyHost.stdout).toMatch(/^FAIL ingress routes only its host name/m);
  });

  it('fails when a service answers as another one', async () => {
    const swapped = await runWith(rules.map((r) => (r.service === 'feed' ? { ...r, service: 'search' } : r)));
    expect(swapped.code).toBe(1);
    expect(swapped.stdout).toMatch(/^FAIL ingress \/api\/feed/m);
  });
});

describe('bundled dependencies on a read-only root filesystem', () => {
  const objects = render('charts/glimpse/ci/trial-values.yaml', ['--set', 'database.mode=postgresql']);
  const container = (name: string) => podSpec(named(objects, 'StatefulSet', `glimpse-${name}`)!).containers[0];
  const emptyDirs = (name: string) => {
    const spec = podSpec(named(objects, 'StatefulSet', `glimpse-${name}`)!);
    const empty = new Set(spec.volumes.filter((v: any) => v.emptyDir).map((v: any) => v.name));
    return spec.containers[0].volumeMounts.filter((m: any) => empty.has(m.name)).map((m: any) => m.mountPath);
  };

  it('runs PostgreSQL from the POSTGRES_* environment of the official image, writing only to its mounts', () => {
    const c = container('postgresql');
    const env = envOf(c);
    expect(env).toMatchObject({ POSTGRES_USER: 'glimpse', POSTGRES_DB: 'glimpse', POSTGRES_HOST_AUTH_METHOD: 'scram-sha-256' });
    expect(env.POSTGRES_PASSWORD).toEqual({ secretKeyRef: { name: 'glimpse-secrets', key: 'POSTGRES_PASSWORD' } });
    // PGDATA is a directory below the volume's mount point, which the entrypoint creates 0700
    const data = c.volumeMounts.find((m: any) => m.name === 'data').mountPath;
    expect(env.PGDATA.startsWith(`${data}/`)).toBe(true);
    expect(emptyDirs('postgresql')).toEqual(expect.arrayContaining(['/var/run/postgresql', '/tmp']));
    expect(c.securityContext.readOnlyRootFilesystem).toBe(true);
    // the DATABASE_URL of the Secret is the same user, password and database
    const secret = named(objects, 'Secret', 'glimpse-secrets')!.stringData!;
    expect(secret.DATABASE_URL).toBe(`postgresql://glimpse:${secret.POSTGRES_PASSWORD}@glimpse-postgresql.glimpse.svc.cluster.local:5432/glimpse?sslmode=disable`);
  });

  it('runs RabbitMQ from the RABBITMQ_DEFAULT_* environment, with its data, cookie and log directories writable', () => {
    const c = container('rabbitmq');
    const env = envOf(c);
    expect(env).toMatchObject({ RABBITMQ_DEFAULT_USER: 'glimpse', RABBITMQ_NODENAME: 'rabbit@localhost', RABBITMQ_LOGS: '-' });
    expect(env.RABBITMQ_DEFAULT_PASS).toEqual({ secretKeyRef: { name: 'glimpse-secrets', key: 'RABBITMQ_PASSWORD' } });
    const writable = writablePaths(c);
    // the Erlang cookie lives in HOME; the node's data under RABBITMQ_MNESIA_BASE
    for (const dir of [env.HOME, env.RABBITMQ_MNESIA_BASE, env.RABBITMQ_LOG_BASE, '/tmp']) expect(isBelow(dir, writable), dir).toBe(true);
    expect(c.volumeMounts.find((m: any) => m.mountPath === env.HOME).name).toBe('data');
    expect(emptyDirs('rabbitmq')).toEqual(expect.arrayContaining(['/var/log/rabbitmq', '/tmp']));
    const secret = named(objects, 'Secret', 'glimpse-secrets')!.stringData!;
    expect(secret.AMQP_URL).toBe(`amqp://glimpse:${secret.RABBITMQ_PASSWORD}@glimpse-rabbitmq.glimpse.svc.cluster.local:5672/`);
  });

  it('points every HOME at a writable directory', () => {
    for (const w of objects.filter((o) => o.kind === 'StatefulSet')) {
      for (const c of podSpec(w).containers) {
        const home = envOf(c).HOME;
        if (home) expect(isBelow(home, writablePaths(c)), `${w.metadata.name} HOME=${home}`).toBe(true);
      }
    }
  });

  it('creates no bucket directories through subPath mounts (the programs create the buckets)', () => {
    const minio = container('minio');
    expect(minio.volumeMounts.filter((m: any) => m.subPath)).toEqual([]);
  });
});

describe('trial on PostgreSQL with the database as the search engine (what these machines run)', () => {
  const objects = render('charts/glimpse/ci/trial-postgresql-values.yaml');
  const bySet = render('charts/glimpse/ci/trial-values.yaml', ['--set', 'database.mode=postgresql', '--set', 'searchEngine.mode=database']);

  it('bundles neither Typesense nor CockroachDB, and tells the search service and the indexer to use the database', () => {
    for (const o of [objects, bySet]) {
      expect(o.filter((x) => ['typesense', 'cockroachdb'].includes(component(x) ?? '')).map((x) => `${x.kind}/${x.metadata.name}`)).toEqual([]);
      expect(named(o, 'StatefulSet', 'glimpse-postgresql')).toBeDefined();
      const config = named(o, 'ConfigMap', 'glimpse-config')!.data!;
      expect(config.SEARCH_ENGINE).toBe('database');
      expect(config).not.toHaveProperty('TYPESENSE_URL');
      for (const name of ['search', 'indexer']) {
        const d = named(o, 'Deployment', `glimpse-${name}`)!;
        expect(podSpec(d).containers[0].envFrom).toEqual([{ configMapRef: { name: 'glimpse-config' } }]);
        expect(envOf(podSpec(d).containers[0])).not.toHaveProperty('TYPESENSE_API_KEY');
      }
      expect(o.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).not.toContain('glimpse-typesense');
      expect(o.filter((x) => x.kind === 'NetworkPolicy').map((x) => x.metadata.name)).toContain('glimpse-postgresql');
    }
  });

  it('migrates once PostgreSQL answers, and routes every path', () => {
    const job = named(objects, 'Job', 'glimpse-migrate-r1')!;
    expect(podSpec(job).initContainers[0].command.at(-2)).toBe('glimpse-postgresql.glimpse.svc.cluster.local:5432');
    const routes = routesOfIngressRoute(objects);
    for (const [path, service] of Object.entries(ROUTES)) expect(routes.get(path)?.service).toBe(`glimpse-${service}`);
  });

  it('locks every pod down', () => {
    expect(checkLockedDown(objects)).toEqual([]);
  });
});

describe('email: the notifier and its mail server', () => {
  const objects = render(null, ['--set', 'secrets.smtpUrl=smtps://glimpse:pw@mail.example.com:465', '--set', 'mail.from=Photos <photos@example.com>', '--set-json', 'config.adminEmails=["ops@example.com"]']);

  it('runs a notifier Deployment that alone gets the SMTP settings from the Secret', () => {
    const secret = named(objects, 'Secret', 'glimpse-secrets')!;
    expect(secret.stringData!.SMTP_URL).toBe('smtps://glimpse:pw@mail.example.com:465');
    for (const o of workloads(objects)) {
      const env = podSpec(o).containers.flatMap((c: any) => c.env ?? []);
      const smtp = env.find((e: any) => e.name === 'SMTP_URL');
      if (o.metadata.name === 'glimpse-notifier') expect(smtp.valueFrom.secretKeyRef).toEqual({ name: 'glimpse-secrets', key: 'SMTP_URL', optional: true });
      else expect(smtp, o.metadata.name).toBeUndefined();
    }
    const config = named(objects, 'ConfigMap', 'glimpse-config')!;
    expect(config.data).toMatchObject({ MAIL_FROM: 'Photos <photos@example.com>', MAIL_MAX_ATTEMPTS: '15', ADMIN_EMAILS: 'ops@example.com' });
  });

  it('lets the pods reach a mail server, and routes the bell and the admin API to the auth service', () => {
    const egress = named(objects, 'NetworkPolicy', 'glimpse-app-egress')!;
    const ports = egress.spec.egress.flatMap((rule: any) => (rule.ports ?? []).map((p: any) => p.port));
    expect(ports).toEqual(expect.arrayContaining([587, 465, 25]));
    const routes = routesOfIngressRoute(objects);
    expect(routes.get('/api/notifications')?.service).toBe('glimpse-auth');
    expect(routes.get('/api/admin')?.service).toBe('glimpse-auth');
  });
});

describe('the bundled Mailpit (mail.mailpit.enabled)', () => {
  const trial = render('charts/glimpse/ci/trial-values.yaml');
  const notifierEnv = (objects: K8sObject[]) => podSpec(named(objects, 'Deployment', 'glimpse-notifier')!).containers[0].env as Array<{ name: string; value?: string; valueFrom?: any }>;

  it('runs in the trial profile with its SMTP port and web UI, and the notifier sends there', () => {
    const deployment = named(trial, 'Deployment', 'glimpse-mailpit')!;
    const container = podSpec(deployment).containers[0];
    expect(container.image).toBe('axllent/mailpit:v1.27.11');
    expect(container.ports.map((p: any) => [p.name, p.containerPort])).toEqual([['smtp', 1025], ['http', 8025]]);
    expect(container.readinessProbe.httpGet).toEqual({ path: '/readyz', port: 'http' });
    expect(container.env).toEqual(expect.arrayContaining([{ name: 'MP_DISABLE_VERSION_CHECK', value: 'true' }, { name: 'MP_MAX_MESSAGES', value: '500' }]));
    const service = named(trial, 'Service', 'glimpse-mailpit')!;
    expect(service.spec.ports.map((p: any) => p.port)).toEqual([1025, 8025]);
    const smtp = notifierEnv(trial).filter((e) => e.name.startsWith('SMTP_'));
    expect(smtp).toEqual([{ name: 'SMTP_URL', value: 'smtp://glimpse-mailpit.glimpse.svc.cluster.local:1025' }]);
    // the notifier alone talks SMTP
    for (const o of workloads(trial)) {
      if (o.metadata.name === 'glimpse-notifier') continue;
      expect(podSpec(o).containers.flatMap((c: any) => c.env ?? []).find((e: any) => e.name === 'SMTP_URL'), o.metadata.name).toBeUndefined();
    }
  });

  it('is reached only from the Glimpse pods, on its two ports', () => {
    const policy = named(render('charts/glimpse/ci/trial-values.yaml', ['--set', 'networkPolicy.enabled=true']), 'NetworkPolicy', 'glimpse-mailpit')!;
    expect(policy.spec.podSelector.matchLabels['app.kubernetes.io/component']).toBe('mailpit');
    expect(policy.spec.ingress[0].ports.map((p: any) => p.port)).toEqual([1025, 8025]);
    expect(policy.spec.ingress[0].from[0].podSelector.matchLabels['glimpse.dev/role']).toBe('app');
  });

  it('is on in the cluster tier\'s trial and in Tilt, off by default and in production, where SMTP comes from the Secret', () => {
    const local = render('charts/glimpse/ci/trial-values.yaml', ['-f', 'scripts/cluster/values-trial.yaml', '-f', 'scripts/cluster/values-local-images.yaml']);
    expect(podSpec(named(local, 'Deployment', 'glimpse-mailpit')!).containers[0].image).toBe('glimpse-deps/mailpit:v1.27.11');
    expect(named(render('k8s/values-dev.yaml'), 'Deployment', 'glimpse-mailpit')).toBeDefined();
    for (const objects of [render(null), render('charts/glimpse/ci/production-values.yaml')]) {
      expect(named(objects, 'Deployment', 'glimpse-mailpit')).toBeUndefined();
      expect(notifierEnv(objects).find((e) => e.name === 'SMTP_URL')!.valueFrom.secretKeyRef.key).toBe('SMTP_URL');
    }
  });
});

describe('uploads from confirmed addresses only', () => {
  it('is off by default and tells the upload service when it is on', () => {
    const config = (objects: K8sObject[]) => named(objects, 'ConfigMap', 'glimpse-config')!.data!;
    expect(config(render(null)).REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD).toBe('false');
    expect(config(render(null, ['--set', 'config.requireVerifiedEmailForUpload=true'])).REQUIRE_VERIFIED_EMAIL_FOR_UPLOAD).toBe('true');
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
    fails(['--set', 'searchEngine.mode=elasticsearch'], /searchEngine/);
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
