// The chart's defences, on what it renders: HSTS behind TLS, the security headers in both
// ingress modes (for a standard Ingress sent by the web front end's own nginx, run here for
// real), NetworkPolicy peers that are a namespace AND pod labels, the bundled Traefik's
// access to Secrets, and generated secrets that `helm template` never invents silently.
//
// Needs helm (scripts/tools/install.sh helm) and, for the nginx test, nginx (Debian's).
import { spawn, spawnSync } from 'node:child_process';
import { chmodSync, existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer } from 'node:net';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { parseAllDocuments } from 'yaml';

const CHART = resolve(dirname(fileURLToPath(import.meta.url)), '..');
const ROOT = resolve(CHART, '../..');
const TOOLS = process.env.GLIMPSE_TOOLS_DIR ?? join(homedir(), '.cache/glimpse-tools');
const HELM = existsSync(join(TOOLS, 'bin/helm')) ? join(TOOLS, 'bin/helm') : 'helm';
const NGINX = ['/usr/sbin/nginx', '/usr/bin/nginx'].find((path) => existsSync(path));

type K8sObject = { apiVersion: string; kind: string; metadata: { name: string; namespace?: string; annotations?: Record<string, string> }; spec?: any; data?: Record<string, string>; stringData?: Record<string, string>; rules?: Array<{ apiGroups: string[]; resources: string[]; verbs: string[] }> };

const PROFILES = {
  defaults: null,
  trial: 'charts/glimpse/ci/trial-values.yaml',
  production: 'charts/glimpse/ci/production-values.yaml',
  ingress: 'charts/glimpse/ci/ingress-values.yaml',
  trialPostgresql: 'charts/glimpse/ci/trial-postgresql-values.yaml',
} as const;

function helmTemplate(profile: string | null, extra: string[] = []) {
  const args = ['template', 'glimpse', CHART, '--namespace', 'glimpse'];
  if (profile) args.push('-f', profile);
  return spawnSync(HELM, [...args, ...extra], { cwd: ROOT, encoding: 'utf8' });
}
function render(profile: string | null, extra: string[] = []): K8sObject[] {
  const result = helmTemplate(profile, extra);
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((doc) => doc.toJS() as K8sObject).filter((o) => o && o.kind);
}
const named = (objects: K8sObject[], kind: string, name: string) => objects.find((o) => o.kind === kind && o.metadata.name === name);
const refused = (profile: string | null, extra: string[]) => {
  const result = helmTemplate(profile, extra);
  expect(result.status, 'helm template should have refused these values').not.toBe(0);
  return result.stderr;
};
const set = (...values: string[]) => values.flatMap((v) => ['--set', v]);

describe('Strict-Transport-Security, behind TLS only', () => {
  it('is on in the production profile (Traefik, TLS): one year, subdomains included', () => {
    const headers = named(render(PROFILES.production), 'Middleware', 'glimpse-security-headers')!.spec.headers;
    expect(headers).toMatchObject({ stsSeconds: 31536000, stsIncludeSubdomains: true });
  });

  it('is on with a TLS Ingress, sent by the web front end (any controller)', () => {
    const snippet = named(render(PROFILES.ingress), 'ConfigMap', 'glimpse-web-headers')!.data!['security-headers.conf']!;
    expect(snippet).toContain('add_header Strict-Transport-Security "max-age=31536000; includeSubDomains" always;');
  });

  it('is off over plain HTTP, in both modes', () => {
    const trial = render(PROFILES.trial);
    expect(named(trial, 'Middleware', 'glimpse-security-headers')!.spec.headers.stsSeconds).toBeUndefined();
    expect(named(trial, 'ConfigMap', 'glimpse-web-headers')!.data!['security-headers.conf']).not.toContain('Strict-Transport-Security');
    const plainIngress = render(PROFILES.ingress, set('ingress.tls.enabled=false'));
    expect(named(plainIngress, 'ConfigMap', 'glimpse-web-headers')!.data!['security-headers.conf']).not.toContain('Strict-Transport-Security');
  });

  it('follows ingress.securityHeaders.stsSeconds, and 0 turns it off', () => {
    const short = render(PROFILES.production, set('ingress.securityHeaders.stsSeconds=300', 'ingress.securityHeaders.stsIncludeSubdomains=false'));
    expect(named(short, 'Middleware', 'glimpse-security-headers')!.spec.headers).toMatchObject({ stsSeconds: 300, stsIncludeSubdomains: false });
    const none = render(PROFILES.ingress, set('ingress.securityHeaders.stsSeconds=0'));
    expect(named(none, 'ConfigMap', 'glimpse-web-headers')!.data!['security-headers.conf']).not.toContain('Strict-Transport-Security');
  });
});

describe('security headers in both ingress modes', () => {
  it('Traefik: every route gets the headers, every API route no-store, images and the app not', () => {
    const objects = render(PROFILES.trial);
    const route = named(objects, 'IngressRoute', 'glimpse')!;
    for (const r of route.spec.routes) {
      const path = /Path(?:Prefix)?\(`([^`]+)`\)/.exec(r.match)![1]!;
      const middlewares = r.middlewares.map((m: { name: string }) => m.name);
      expect(middlewares, path).toContain('glimpse-security-headers');
      expect(middlewares.includes('glimpse-api-no-store'), path).toBe(path.startsWith('/api/'));
    }
    expect(named(objects, 'Middleware', 'glimpse-api-no-store')!.spec.headers.customResponseHeaders).toEqual({ 'Cache-Control': 'no-store' });
    const csp = named(objects, 'Middleware', 'glimpse-security-headers')!.spec.headers.contentSecurityPolicy;
    expect(csp).toContain("frame-ancestors 'none'");
    expect(csp).toContain("script-src 'self'");
    const scriptSrc = csp.split(';').map((d: string) => d.trim()).find((d: string) => d.startsWith('script-src'));
    expect(scriptSrc).toBe("script-src 'self'");
  });

  it('a standard Ingress: the web front end mounts the rendered headers where its nginx includes them', () => {
    const objects = render(PROFILES.ingress);
    expect(objects.filter((o) => o.apiVersion.startsWith('traefik.io/'))).toEqual([]);
    const web = named(objects, 'Deployment', 'glimpse-web')!.spec.template.spec;
    const mount = web.containers[0].volumeMounts.find((m: any) => m.name === 'security-headers');
    expect(mount).toMatchObject({ mountPath: '/etc/nginx/glimpse', readOnly: true });
    expect(web.volumes.find((v: any) => v.name === 'security-headers').configMap.name).toBe('glimpse-web-headers');
    // the image's nginx includes exactly that file in every location that answers
    const conf = readFileSync(join(ROOT, 'docker/nginx/default.conf'), 'utf8');
    const locations = [...conf.matchAll(/^\s*location ([^{]+)\{([^}]*)\}/gm)].filter(([, where]) => !/healthz|readyz/.test(where!));
    expect(locations.length).toBeGreaterThanOrEqual(5);
    for (const [, where, body] of locations) expect(body, `location ${where}`).toContain('include /etc/nginx/glimpse/security-headers.conf;');
    // a change of the headers rolls the web pods
    const changed = render(PROFILES.ingress, set('ingress.securityHeaders.referrerPolicy=no-referrer'));
    const checksum = (o: K8sObject[]) => named(o, 'Deployment', 'glimpse-web')!.spec.template.metadata.annotations['checksum/security-headers'];
    expect(checksum(changed)).not.toBe(checksum(objects));
  });

  describe.skipIf(!NGINX)("the web front end's nginx with the rendered headers (real nginx)", () => {
    let dir: string;
    let base: string;
    let nginx: ReturnType<typeof spawn> | undefined;
    beforeAll(async () => {
      dir = mkdtempSync(join(tmpdir(), 'glimpse-nginx-'));
      // (nginx started by root runs its workers as nobody, who must read the files)
      chmodSync(dir, 0o755);
      const port = await new Promise<number>((done) => {
        const probe = createServer().listen(0, '127.0.0.1', () => {
          const { port } = probe.address() as { port: number };
          probe.close(() => done(port));
        });
      });
      const snippet = named(render(PROFILES.ingress), 'ConfigMap', 'glimpse-web-headers')!.data!['security-headers.conf']!;
      mkdirSync(join(dir, 'glimpse'));
      mkdirSync(join(dir, 'html/assets'), { recursive: true });
      writeFileSync(join(dir, 'glimpse/security-headers.conf'), snippet);
      writeFileSync(join(dir, 'html/index.html'), '<!doctype html><title>Glimpse</title><div id="root"></div>');
      writeFileSync(join(dir, 'html/assets/app-1234.js'), 'console.log(1)');
      const site = readFileSync(join(ROOT, 'docker/nginx/default.conf'), 'utf8')
        .replace(/listen 8080 default_server;/, `listen 127.0.0.1:${port} default_server;`)
        .replace(/listen \[::\]:8080 default_server;/, '')
        .replaceAll('/etc/nginx/glimpse/', `${dir}/glimpse/`)
        .replace('root /usr/share/nginx/html;', `root ${dir}/html;`);
      writeFileSync(join(dir, 'site.conf'), site);
      writeFileSync(join(dir, 'nginx.conf'), [
        'worker_processes 1;', `error_log ${dir}/error.log notice;`, `pid ${dir}/nginx.pid;`, 'events { worker_connections 64; }',
        'http {', `  client_body_temp_path ${dir}/tmp-body; proxy_temp_path ${dir}/tmp-proxy; fastcgi_temp_path ${dir}/tmp-fcgi; uwsgi_temp_path ${dir}/tmp-uwsgi; scgi_temp_path ${dir}/tmp-scgi;`,
        '  include /etc/nginx/mime.types;', '  default_type application/octet-stream;', `  access_log off;`, `  include ${dir}/site.conf;`, '}',
      ].join('\n'));
      nginx = spawn(NGINX!, ['-p', dir, '-c', join(dir, 'nginx.conf'), '-g', 'daemon off;'], { stdio: ['ignore', 'ignore', 'pipe'] });
      base = `http://127.0.0.1:${port}`;
      for (let i = 0; i < 100; i++) {
        if (await fetch(`${base}/healthz`).then(() => true, () => false)) return;
        await new Promise((r) => setTimeout(r, 50));
      }
      throw new Error(`nginx did not start: ${existsSync(join(dir, 'error.log')) ? readFileSync(join(dir, 'error.log'), 'utf8') : ''}`);
    });
    afterAll(() => {
      nginx?.kill();
      if (dir) rmSync(dir, { recursive: true, force: true });
    });

    it.each(['/', '/u/alice', '/index.html', '/assets/app-1234.js', '/assets/missing.js', '/api/feed/latest'])('sends the headers on %s', async (path) => {
      const answer = await fetch(`${base}${path}`);
      const h = answer.headers;
      expect(h.get('content-security-policy'), path).toContain("frame-ancestors 'none'");
      expect(h.get('content-security-policy'), path).toContain("script-src 'self'");
      expect(h.get('x-frame-options'), path).toBe('DENY');
      expect(h.get('x-content-type-options'), path).toBe('nosniff');
      expect(h.get('referrer-policy'), path).toBe('strict-origin-when-cross-origin');
      expect(h.get('strict-transport-security'), path).toBe('max-age=31536000; includeSubDomains');
    });

    it('keeps its caching: hashed assets immutable, the app revalidated, API paths no-store', async () => {
      const asset = await fetch(`${base}/assets/app-1234.js`);
      expect(asset.status).toBe(200);
      expect(asset.headers.get('cache-control')).toBe('public, max-age=31536000, immutable');
      const page = await fetch(`${base}/u/alice`);
      expect(page.status).toBe(200);
      expect(await page.text()).toContain('<div id="root">');
      expect(page.headers.get('cache-control')).toBe('no-cache');
      const api = await fetch(`${base}/api/feed/latest`);
      expect(api.status).toBe(404);
      expect(api.headers.get('cache-control')).toBe('no-store');
      const missing = await fetch(`${base}/assets/missing.js`);
      expect(missing.status).toBe(404);
      expect(missing.headers.get('cache-control')).toBeNull();
    });
  });
});

/** Every peer of every NetworkPolicy (from and to), with where it is. */
function peersOf(objects: K8sObject[]) {
  return objects
    .filter((o) => o.kind === 'NetworkPolicy')
    .flatMap((policy) => [
      ...(policy.spec.ingress ?? []).flatMap((rule: any, i: number) => (rule.from ?? []).map((peer: any) => ({ where: `${policy.metadata.name} ingress[${i}]`, peer }))),
      ...(policy.spec.egress ?? []).flatMap((rule: any, i: number) => (rule.to ?? []).map((peer: any) => ({ where: `${policy.metadata.name} egress[${i}]`, peer }))),
    ]);
}
const namespaceOf = (peer: any) => peer.namespaceSelector?.matchLabels?.['kubernetes.io/metadata.name'];

describe('NetworkPolicy peers: a namespace AND pod labels', () => {
  const keda = set('imageProcessor.keda.enabled=true');
  it.each([
    ['defaults', PROFILES.defaults, []],
    ['trial', PROFILES.trial, []],
    ['trial with KEDA', PROFILES.trial, keda],
    ['production', PROFILES.production, []],
    ['ingress', PROFILES.ingress, []],
    ['trial on PostgreSQL', PROFILES.trialPostgresql, []],
  ] as const)('names a namespace and pods in every pod peer (%s)', (_name, profile, extra) => {
    const problems = peersOf(render(profile, [...extra]))
      .filter(({ peer }) => !peer.ipBlock)
      .filter(({ peer }) => !namespaceOf(peer) || Object.keys(peer.podSelector?.matchLabels ?? {}).length === 0)
      .map(({ where, peer }) => `${where}: ${JSON.stringify(peer)}`);
    expect(problems).toEqual([]);
  });

  it('admits the bundled Traefik of this release only, from the release namespace', () => {
    const from = named(render(PROFILES.trial), 'NetworkPolicy', 'glimpse-http')!.spec.ingress[0].from;
    expect(from[0]).toEqual({
      namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'glimpse' } },
      podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik', 'app.kubernetes.io/instance': 'glimpse' } },
    });
  });

  it("admits the operator's ingress controller and scraper from their namespaces only", () => {
    const objects = render(PROFILES.production);
    const from = named(objects, 'NetworkPolicy', 'glimpse-http')!.spec.ingress[0].from;
    expect(from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'traefik' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'traefik' } } });
    expect(from).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'monitoring' } }, podSelector: { matchLabels: { 'app.kubernetes.io/name': 'prometheus' } } });
    const workers = named(objects, 'NetworkPolicy', 'glimpse-metrics')!.spec.ingress[0].from;
    expect(workers.map(namespaceOf)).toEqual(['monitoring']);
    expect(peersOf(render(PROFILES.ingress)).map(({ peer }) => namespaceOf(peer))).toContain('ingress-nginx');
  });

  it("lets KEDA's operator, from its namespace, read the bundled RabbitMQ only when a worker uses KEDA", () => {
    const rabbit = (o: K8sObject[]) => named(o, 'NetworkPolicy', 'glimpse-rabbitmq')!.spec.ingress[0].from;
    expect(rabbit(render(PROFILES.trial)).map(namespaceOf)).toEqual(['glimpse']);
    expect(rabbit(render(PROFILES.trial, keda))).toContainEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'keda' } }, podSelector: { matchLabels: { app: 'keda-operator' } } });
  });

  it('refuses peers of its own that open every namespace, or a whole namespace', () => {
    const withValues = (yaml: string) => {
      const file = join(mkdtempSync(join(tmpdir(), 'glimpse-values-')), 'values.yaml');
      writeFileSync(file, yaml);
      return ['-f', file];
    };
    expect(refused(PROFILES.trial, withValues('networkPolicy:\n  ingressFrom:\n    - namespaceSelector: {}\n      podSelector: {matchLabels: {app: traefik}}\n')))
      .toMatch(/networkPolicy\.ingressFrom\[0\]: namespaceSelector \{\} admits pods of every namespace/);
    expect(refused(PROFILES.trial, withValues('networkPolicy:\n  metricsFrom:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: monitoring}}\n')))
      .toMatch(/networkPolicy\.metricsFrom\[0\]: a namespaceSelector without a podSelector admits every pod of those namespaces/);
    // a peer that names both is taken as it is
    const own = render(PROFILES.trial, withValues('networkPolicy:\n  ingressFrom:\n    - namespaceSelector: {matchLabels: {kubernetes.io/metadata.name: edge}}\n      podSelector: {matchLabels: {app: envoy}}\n'));
    expect(named(own, 'NetworkPolicy', 'glimpse-http')!.spec.ingress[0].from[0]).toEqual({ namespaceSelector: { matchLabels: { 'kubernetes.io/metadata.name': 'edge' } }, podSelector: { matchLabels: { app: 'envoy' } } });
  });
});

/** Verbs on core Secrets that a Role or ClusterRole grants. */
const secretVerbs = (role: K8sObject) =>
  (role.rules ?? []).filter((r) => r.apiGroups.includes('') && (r.resources.includes('secrets') || r.resources.includes('*'))).flatMap((r) => r.verbs);

describe("the bundled Traefik's access to Secrets", () => {
  it.each([
    ['watching the release namespace', []],
    ['with its Ingress provider', set('traefik.providers.kubernetesIngress=true')],
    ['without cluster-scope resources', set('traefik.providers.disableClusterScopeResources=true')],
  ] as const)('lists and watches Secrets of the release namespace only, never gets one, never cluster-wide (%s)', (_name, extra) => {
    const objects = render(PROFILES.trial, [...extra]);
    for (const role of objects.filter((o) => o.kind === 'ClusterRole')) expect(secretVerbs(role), role.metadata.name).toEqual([]);
    const roles = objects.filter((o) => o.kind === 'Role' && secretVerbs(o).length > 0);
    expect(roles.map((r) => `${r.metadata.namespace}/${r.metadata.name}`)).toEqual(['glimpse/glimpse-traefik']);
    expect(secretVerbs(roles[0]!).sort()).toEqual(['list', 'watch']);
    // and the Role is bound to Traefik's ServiceAccount alone
    expect(named(objects, 'RoleBinding', 'glimpse-traefik')!).toMatchObject({ subjects: [{ kind: 'ServiceAccount', name: 'glimpse-traefik', namespace: 'glimpse' }] });
  });

  it('grants Secrets cluster-wide only to a Traefik asked to watch every namespace', () => {
    const wide = render(PROFILES.trial, set('traefik.watchNamespaceOnly=false'));
    expect(secretVerbs(named(wide, 'ClusterRole', 'glimpse-traefik-glimpse')!).sort()).toEqual(['list', 'watch']);
  });

  it('no Glimpse pod can read Secrets through the Kubernetes API (no RBAC, no token)', () => {
    const objects = render(PROFILES.trial);
    const bound = objects.filter((o) => o.kind === 'RoleBinding' || o.kind === 'ClusterRoleBinding').flatMap((b: any) => b.subjects.map((s: any) => s.name));
    expect(bound.filter((name: string) => name !== 'glimpse-traefik')).toEqual([]);
  });
});

describe('generated secrets', () => {
  const PROVIDED = [
    'secrets.generate=false', 'secrets.staticUrlSecret=static-url-secret', 'secrets.s3AccessKey=glimpse', 'secrets.s3SecretKey=s3-secret',
    'secrets.typesenseApiKey=typesense-key', 'secrets.gorseApiKey=gorse-key', 'secrets.rabbitmqPassword=rabbit-password',
  ];
  const KEY = '-----BEGIN PRIVATE KEY-----\nMC4CAQAwBQYDK2VwBCIEIBv4m1d0P2a8nC1v2N7wN1mJx8i0y7Qv0mTqj0H1z2Zb\n-----END PRIVATE KEY-----\n';
  const keyFile = () => {
    const file = join(mkdtempSync(join(tmpdir(), 'glimpse-key-')), 'auth.pem');
    writeFileSync(file, KEY);
    return ['--set-file', `secrets.authPrivateKey=${file}`];
  };

  it('with secrets.generate=false, refuses to render and names every value it would have had to invent', () => {
    const stderr = refused(PROFILES.defaults, set('secrets.generate=false'));
    for (const key of ['authPrivateKey', 'staticUrlSecret', 's3AccessKey', 's3SecretKey', 'typesenseApiKey', 'gorseApiKey', 'rabbitmqPassword']) expect(stderr).toContain(`secrets.${key}`);
    // CockroachDB needs no password: not asked for
    expect(stderr).not.toContain('secrets.postgresPassword');
    expect(stderr).toContain('secrets.existingSecret');
    // one missing value is named alone
    expect(refused(PROFILES.defaults, [...set(...PROVIDED.filter((v) => !v.startsWith('secrets.gorseApiKey'))), ...keyFile()])).toMatch(/but secrets\.gorseApiKey is empty: set it/);
    expect(refused(PROFILES.trialPostgresql, [...set(...PROVIDED), ...keyFile()])).toMatch(/but secrets\.postgresPassword is empty/);
  });

  it('with every value given, renders the same manifests every time (helm template, GitOps)', () => {
    const args = [...set(...PROVIDED), ...keyFile()];
    const first = helmTemplate(PROFILES.defaults, args);
    const second = helmTemplate(PROFILES.defaults, args);
    expect(first.status, first.stderr).toBe(0);
    expect(second.stdout).toBe(first.stdout);
    const secret = parseAllDocuments(first.stdout).map((d) => d.toJS()).find((o: any) => o?.kind === 'Secret' && o.metadata.name === 'glimpse-secrets');
    expect(secret.stringData).toMatchObject({ STATIC_URL_SECRET: 'static-url-secret', GORSE_API_KEY: 'gorse-key', AUTH_PRIVATE_KEY: KEY });
    expect(secret.stringData.AMQP_URL).toBe('amqp://glimpse:rabbit-password@glimpse-rabbitmq.glimpse.svc.cluster.local:5672/');
  });

  it('with an existing Secret, creates none and needs no value', () => {
    const objects = render(PROFILES.defaults, set('secrets.generate=false', 'secrets.existingSecret=mine'));
    expect(objects.filter((o) => o.kind === 'Secret' && o.metadata.name === 'glimpse-secrets')).toEqual([]);
    const auth = named(objects, 'Deployment', 'glimpse-auth')!.spec.template.spec.containers[0];
    expect(auth.env.find((e: any) => e.name === 'AUTH_PRIVATE_KEY').valueFrom.secretKeyRef.name).toBe('mine');
  });

  it('keeps a generated Secret on uninstall, and re-rendering never rolls the pods', () => {
    const first = render(PROFILES.trial);
    const second = render(PROFILES.trial);
    const secret = named(first, 'Secret', 'glimpse-secrets')!;
    expect(secret.metadata.annotations?.['helm.sh/resource-policy']).toBe('keep');
    // (lookup answers nothing here, as under helm template: each render generates anew...)
    expect(named(second, 'Secret', 'glimpse-secrets')!.stringData!.AUTH_PRIVATE_KEY).not.toBe(secret.stringData!.AUTH_PRIVATE_KEY);
    // ...but the pods' templates, checksums included, do not change with them
    for (const d of first.filter((o) => o.kind === 'Deployment' || o.kind === 'StatefulSet')) {
      expect(named(second, d.kind, d.metadata.name)!.spec.template, d.metadata.name).toEqual(d.spec.template);
    }
  });
});
