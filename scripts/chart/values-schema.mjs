#!/usr/bin/env node
// Generates charts/glimpse/values.schema.json from charts/glimpse/values.yaml, so that the
// schema always knows exactly the keys values.yaml documents and rejects every other one
// (additionalProperties: false on every object the chart defines). Types are inferred from
// the defaults; OVERRIDES below adds enums, ranges and the free-form Kubernetes objects
// (resources, affinity, security contexts, ...) that are passed through as they are.
//
//   node scripts/chart/values-schema.mjs           write the schema
//   node scripts/chart/values-schema.mjs --check   exit 1 if the committed schema is stale
import { readFileSync, writeFileSync } from 'node:fs';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { parse } from 'yaml';

const ROOT = resolve(dirname(fileURLToPath(import.meta.url)), '../..');
const CHART = join(ROOT, 'charts/glimpse');

const COMPONENTS = ['auth', 'upload', 'feed', 'search', 'static', 'web', 'imageProcessor', 'imageTagger', 'indexer', 'notifier'];
const DEPENDENCIES = ['database.cockroachdb', 'database.postgresql', 'objectStorage.minio', 'queue.rabbitmq', 'searchEngine.typesense', 'recommender.gorse', 'mail.mailpit'];

const freeObject = (description) => ({ type: 'object', ...(description ? { description } : {}) });
const stringMap = { type: 'object', additionalProperties: { type: 'string' } };
const k8sResources = {
  type: 'object',
  additionalProperties: false,
  properties: {
    requests: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    limits: { type: 'object', additionalProperties: { type: ['string', 'number'] } },
    claims: { type: 'array' },
  },
};
const imageTag = { type: ['string', 'number'] };
const port = { type: 'integer', minimum: 1, maximum: 65535 };
const quantity = { type: 'string', pattern: '^[0-9]+(\\.[0-9]+)?([EPTGMK]i?|[mkMGTPE])?$' };

/** path (dots; `*` matches one key) → schema that replaces the inferred one */
const OVERRIDES = {
  commonLabels: stringMap,
  'image.pullPolicy': { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
  'image.pullSecrets': { type: 'array', items: { type: 'string' } },
  'serviceAccount.annotations': stringMap,
  podSecurityContext: freeObject('a PodSecurityContext'),
  securityContext: freeObject('a SecurityContext'),
  'config.nodeEnv': { type: 'string', enum: ['production', 'development', 'test'] },
  'config.logLevel': { type: 'string', enum: ['fatal', 'error', 'warn', 'info', 'debug', 'trace', 'silent'] },
  'config.uploadMaxBytes': { type: 'integer', minimum: 1 },
  'config.uploadMaxPixels': { type: 'integer', minimum: 1 },
  'config.trustedProxies': { type: 'array', items: { type: 'string', minLength: 1 } },
  'config.workerConcurrency': { type: 'integer', minimum: 1 },
  'config.extraEnv': { type: 'object', additionalProperties: { type: ['string', 'number', 'boolean'] } },
  'config.publicUrl': { type: 'string', pattern: '^(https?://.+)?$' },
  'ingress.mode': { type: 'string', enum: ['traefik', 'ingress', 'none'] },
  'ingress.traefik.entryPoints': { type: 'array', items: { type: 'string' } },
  'ingress.traefik.rateLimit.redis': freeObject('Traefik rateLimit.redis settings'),
  'ingress.traefik.rateLimit.auth.average': { type: 'integer', minimum: 0 },
  'ingress.traefik.rateLimit.upload.average': { type: 'integer', minimum: 0 },
  'ingress.traefik.rateLimit.uploadApi.average': { type: 'integer', minimum: 0 },
  'ingress.traefik.rateLimit.auth.period': { type: 'string', pattern: '^[1-9][0-9]*(s|m|h)$' },
  'ingress.traefik.rateLimit.upload.period': { type: 'string', pattern: '^[1-9][0-9]*(s|m|h)$' },
  'ingress.traefik.rateLimit.uploadApi.period': { type: 'string', pattern: '^[1-9][0-9]*(s|m|h)$' },
  'ingress.ingress.annotations': stringMap,
  'ingress.securityHeaders.stsSeconds': { type: 'integer', minimum: 0 },
  'networkPolicy.ingressController.podLabels': { ...stringMap, minProperties: 1 },
  'networkPolicy.scraper.podLabels': { ...stringMap, minProperties: 1 },
  'networkPolicy.keda.podLabels': { ...stringMap, minProperties: 1 },
  'networkPolicy.dnsPodLabels': { ...stringMap, minProperties: 1 },
  'networkPolicy.ingressFrom': { type: 'array', items: freeObject('a NetworkPolicyPeer') },
  'networkPolicy.metricsFrom': { type: 'array', items: freeObject('a NetworkPolicyPeer') },
  'networkPolicy.externalCIDRs': { type: 'array', items: { type: 'string' } },
  'networkPolicy.externalPorts': { type: 'array', items: port },
  'networkPolicy.smtpPorts': { type: 'array', items: port },
  'config.adminEmails': { type: 'array', items: { type: 'string', pattern: '^[^@\\s]+@[^@\\s]+$' } },
  'mail.from': { type: 'string', minLength: 3 },
  'mail.maxAttempts': { type: 'integer', minimum: 1 },
  'mail.mailpit.maxMessages': { type: 'integer', minimum: 1 },
  'secrets.smtpUrl': { type: 'string', pattern: '^(smtps?://.+)?$' },
  'networkPolicy.kubeAPI.ports': { type: 'array', items: port },
  'metrics.serviceMonitor.labels': stringMap,
  'metrics.prometheusRule.labels': stringMap,
  'metrics.prometheusRule.alertLabels': stringMap,
  'metrics.prometheusRule.queueBacklog.minMessages': { type: 'integer', minimum: 0 },
  'metrics.prometheusRule.errorRate.ratio': { type: 'number', exclusiveMinimum: 0, maximum: 1 },
  'metrics.prometheusRule.errorRate.minRequestsPerSecond': { type: 'number', minimum: 0 },
  'metrics.prometheusRule.latency.p95Seconds': { type: 'number', exclusiveMinimum: 0 },
  'metrics.prometheusRule.latency.uploadP95Seconds': { type: 'number', exclusiveMinimum: 0 },
  'metrics.prometheusRule.*.for': { type: 'string', pattern: '^[0-9]+(ms|s|m|h|d)$' },
  'metrics.prometheusRule.queueBacklog.window': { type: 'string', pattern: '^[0-9]+(s|m|h|d)$' },
  'database.mode': { type: 'string', enum: ['cockroachdb', 'postgresql', 'external'] },
  'database.external.port': port,
  'objectStorage.mode': { type: 'string', enum: ['minio', 'external'] },
  'queue.mode': { type: 'string', enum: ['rabbitmq', 'external'] },
  'searchEngine.mode': { type: 'string', enum: ['typesense', 'external', 'database'] },
  'searchEngine.semantic': { type: 'string', enum: ['off', 'clip'] },
  'recommender.mode': { type: 'string', enum: ['gorse', 'external'] },
  'migrations.resources': k8sResources,
  'migrations.image.tag': imageTag,
  // the bundled Traefik is a subchart: its own values.schema.json validates the rest
  traefik: { type: 'object', properties: { enabled: { type: 'boolean' } }, required: ['enabled'] },
};
for (const c of COMPONENTS) {
  Object.assign(OVERRIDES, {
    [`${c}.resources`]: k8sResources,
    [`${c}.image.tag`]: imageTag,
    [`${c}.replicaCount`]: { type: 'integer', minimum: 0 },
    [`${c}.extraEnv`]: { type: 'array', items: freeObject('an EnvVar') },
    [`${c}.podAnnotations`]: stringMap,
    [`${c}.podLabels`]: stringMap,
    [`${c}.nodeSelector`]: stringMap,
    [`${c}.tolerations`]: { type: 'array', items: freeObject('a Toleration') },
    [`${c}.affinity`]: freeObject('an Affinity'),
    [`${c}.topologySpreadConstraints`]: { type: 'array', items: freeObject('a TopologySpreadConstraint') },
    [`${c}.autoscaling.minReplicas`]: { type: 'integer', minimum: 1 },
    [`${c}.autoscaling.maxReplicas`]: { type: 'integer', minimum: 1 },
    [`${c}.autoscaling.targetCPUUtilizationPercentage`]: { type: 'integer', minimum: 1, maximum: 100 },
    [`${c}.autoscaling.targetMemoryUtilizationPercentage`]: { type: 'integer', minimum: 0, maximum: 100 },
    [`${c}.pdb.minAvailable`]: { type: ['integer', 'string'] },
    [`${c}.keda.minReplicas`]: { type: 'integer', minimum: 0 },
  });
}
for (const d of DEPENDENCIES) {
  Object.assign(OVERRIDES, {
    [`${d}.resources`]: k8sResources,
    [`${d}.image.tag`]: imageTag,
    [`${d}.image.pullPolicy`]: { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
    [`${d}.persistence.size`]: quantity,
  });
}

let active = OVERRIDES;
function lookup(path) {
  if (active[path]) return active[path];
  for (const [pattern, schema] of Object.entries(active)) {
    if (!pattern.includes('*')) continue;
    const re = new RegExp(`^${pattern.split('.').map((p) => (p === '*' ? '[^.]+' : p.replace(/[$^]/g, '\\$&'))).join('\\.')}$`);
    if (re.test(path)) return schema;
  }
  return undefined;
}

function infer(value, path) {
  const override = lookup(path);
  if (override) return override;
  if (value === null) return {};
  if (Array.isArray(value)) {
    return { type: 'array', ...(value.length ? { items: infer(value[0], `${path}[]`) } : {}) };
  }
  switch (typeof value) {
    case 'string':
      return { type: 'string' };
    case 'boolean':
      return { type: 'boolean' };
    case 'number':
      return Number.isInteger(value) ? { type: 'integer' } : { type: 'number' };
    case 'object': {
      const keys = Object.keys(value);
      if (keys.length === 0) return { type: 'object' };
      const properties = {};
      for (const key of keys) properties[key] = infer(value[key], path ? `${path}.${key}` : key);
      return { type: 'object', additionalProperties: false, properties };
    }
    default:
      throw new Error(`cannot infer a schema for ${path}`);
  }
}

const TRAEFIK_OVERRIDES = {
  'image.tag': imageTag,
  'image.pullPolicy': { type: 'string', enum: ['Always', 'IfNotPresent', 'Never'] },
  replicaCount: { type: 'integer', minimum: 0 },
  logLevel: { type: 'string', enum: ['TRACE', 'DEBUG', 'INFO', 'WARN', 'ERROR', 'FATAL', 'PANIC'] },
  additionalArguments: { type: 'array', items: { type: 'string' } },
  'service.type': { type: 'string', enum: ['LoadBalancer', 'NodePort', 'ClusterIP'] },
  'service.nodePorts.web': { type: 'integer', anyOf: [{ const: 0 }, { minimum: 30000, maximum: 32767 }] },
  'service.nodePorts.websecure': { type: 'integer', anyOf: [{ const: 0 }, { minimum: 30000, maximum: 32767 }] },
  'service.annotations': stringMap,
  resources: k8sResources,
  nodeSelector: stringMap,
  tolerations: { type: 'array', items: freeObject('a Toleration') },
};

/** The schemas this script owns: the chart's and its Traefik subchart's. */
export function buildSchemas() {
  const out = {};
  for (const [dir, overrides, title] of [
    [CHART, OVERRIDES, 'Values of the Glimpse chart'],
    [join(CHART, 'charts/traefik'), TRAEFIK_OVERRIDES, 'Values of the bundled Traefik subchart'],
  ]) {
    active = overrides;
    const values = parse(readFileSync(join(dir, 'values.yaml'), 'utf8'), { uniqueKeys: true });
    const root = infer(values, '');
    // Helm adds `global` to the values of every chart
    root.properties = { global: { type: 'object' }, ...root.properties };
    out[join(dir, 'values.schema.json')] = {
      $schema: 'http://json-schema.org/draft-07/schema#',
      title,
      description: 'Generated from values.yaml by scripts/chart/values-schema.mjs; do not edit by hand.',
      ...root,
    };
  }
  return out;
}

const isMain = process.argv[1] && resolve(process.argv[1]) === fileURLToPath(import.meta.url);
if (isMain) {
  let stale = 0;
  for (const [target, schema] of Object.entries(buildSchemas())) {
    const text = `${JSON.stringify(schema, null, 2)}\n`;
    const shown = target.slice(ROOT.length + 1);
    if (process.argv.includes('--check')) {
      let current = '';
      try {
        current = readFileSync(target, 'utf8');
      } catch {}
      if (current !== text) {
        console.error(`${shown} is stale: run node scripts/chart/values-schema.mjs`);
        stale += 1;
      } else {
        console.log(`${shown} is up to date`);
      }
    } else {
      writeFileSync(target, text);
      console.log(`wrote ${shown}`);
    }
  }
  process.exit(stale ? 1 : 0);
}
