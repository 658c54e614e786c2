#!/usr/bin/env node
// Writes strict, standalone JSON schemas for kubeconform, offline, from:
//   - Kubernetes' OpenAPI v2 document (api/openapi-spec/swagger.json of the k8s.io/kubernetes
//     Go module at the wanted version), one schema per kind of every API group;
//   - CustomResourceDefinitions (Traefik's, from the pinned release vendored in the chart;
//     KEDA's; the Prometheus Operator's), one schema per served version.
//
//   node scripts/chart/k8s-schemas.mjs --out DIR --swagger swagger.json [--crd file.yaml ...]
//
// Layout: DIR/<kind><suffix>.json with kubeconform's suffix (-<group's first label>-<version>,
// e.g. deployment-apps-v1.json, ingressroute-traefik-v1alpha1.json), so that kubeconform
// finds them with -schema-location 'DIR/{{ .ResourceKind }}{{ .KindSuffix }}.json'.
//
// "Strict": every object that lists its properties gets additionalProperties: false (unless
// it preserves unknown fields), so a misspelt or misplaced key fails validation, as it would
// with the API server's strict field validation; apiVersion and kind must be the exact ones.
import { mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { parseAllDocuments } from 'yaml';

function args(argv) {
  const out = { crd: [] };
  for (let i = 0; i < argv.length; i += 1) {
    const flag = argv[i];
    const value = argv[i + 1];
    if (flag === '--out') out.out = value;
    else if (flag === '--swagger') out.swagger = value;
    else if (flag === '--crd') out.crd.push(value);
    else throw new Error(`unknown argument ${flag}`);
    i += 1;
  }
  if (!out.out) throw new Error('--out is required');
  return out;
}

const intOrString = { anyOf: [{ type: 'string' }, { type: 'integer' }] };

/** Kubernetes types whose OpenAPI form is wrong or too loose for a JSON-schema validator. */
const SPECIAL = {
  'io.k8s.apimachinery.pkg.util.intstr.IntOrString': intOrString,
  'io.k8s.apimachinery.pkg.api.resource.Quantity': { anyOf: [{ type: 'string' }, { type: 'number' }] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.Time': { type: ['string', 'null'] },
  'io.k8s.apimachinery.pkg.apis.meta.v1.MicroTime': { type: ['string', 'null'] },
  'io.k8s.apimachinery.pkg.runtime.RawExtension': {},
  'io.k8s.apiextensions-apiserver.pkg.apis.apiextensions.v1.JSON': {},
};

function suffix(group, version) {
  return group ? `-${group.split('.')[0].toLowerCase()}-${version.toLowerCase()}` : `-${version.toLowerCase()}`;
}

/** Makes a schema strict in place (recursively) and maps the Kubernetes extensions. */
function strict(schema) {
  if (!schema || typeof schema !== 'object') return schema;
  if (Array.isArray(schema)) return schema.map(strict);
  const out = {};
  for (const [key, value] of Object.entries(schema)) {
    if (key === 'description' || key === 'x-kubernetes-group-version-kind') continue;
    if (key === 'properties' || key === 'patternProperties' || key === 'definitions') {
      out[key] = Object.fromEntries(Object.entries(value).map(([k, v]) => [k, strict(v)]));
    } else if (key === '$ref') {
      out.$ref = value.replace('#/definitions/', '#/definitions/');
    } else if (typeof value === 'object') {
      out[key] = strict(value);
    } else {
      out[key] = value;
    }
  }
  if (out['x-kubernetes-int-or-string']) {
    delete out.type;
    delete out.format;
    out.anyOf = intOrString.anyOf;
  }
  if (out.properties && out.additionalProperties === undefined && !out['x-kubernetes-preserve-unknown-fields']) {
    out.additionalProperties = false;
  }
  if (out.nullable === true && typeof out.type === 'string') out.type = [out.type, 'null'];
  // OpenAPI v2 "format: int-or-string" without the extension
  if (out.format === 'int-or-string') {
    delete out.type;
    delete out.format;
    out.anyOf = intOrString.anyOf;
  }
  return out;
}

function refsOf(schema, found = new Set()) {
  if (!schema || typeof schema !== 'object') return found;
  if (Array.isArray(schema)) {
    for (const item of schema) refsOf(item, found);
    return found;
  }
  for (const [key, value] of Object.entries(schema)) {
    if (key === '$ref' && typeof value === 'string') found.add(value.replace('#/definitions/', ''));
    else refsOf(value, found);
  }
  return found;
}

function withKind(schema, apiVersion, kind) {
  const copy = structuredClone(schema);
  copy.properties = {
    ...copy.properties,
    apiVersion: { type: 'string', enum: [apiVersion] },
    kind: { type: 'string', enum: [kind] },
  };
  copy.required = [...new Set([...(copy.required ?? []), 'apiVersion', 'kind'])];
  return copy;
}

function fromSwagger(path, write) {
  const swagger = JSON.parse(readFileSync(path, 'utf8'));
  const defs = swagger.definitions;
  const converted = {};
  for (const [name, def] of Object.entries(defs)) converted[name] = SPECIAL[name] ?? strict(def);
  let count = 0;
  for (const [name, def] of Object.entries(defs)) {
    for (const gvk of def['x-kubernetes-group-version-kind'] ?? []) {
      // only objects that are themselves resources with metadata (not List, not options)
      if (!def.properties?.metadata || gvk.kind.endsWith('List')) continue;
      const apiVersion = gvk.group ? `${gvk.group}/${gvk.version}` : gvk.version;
      // the closure of definitions the kind refers to
      const needed = new Set();
      const queue = [...refsOf(converted[name])];
      while (queue.length) {
        const ref = queue.pop();
        if (needed.has(ref) || !converted[ref]) continue;
        needed.add(ref);
        queue.push(...refsOf(converted[ref]));
      }
      const schema = {
        $schema: 'http://json-schema.org/draft-07/schema#',
        ...withKind(converted[name], apiVersion, gvk.kind),
        definitions: Object.fromEntries([...needed].sort().map((ref) => [ref, converted[ref]])),
      };
      write(`${gvk.kind.toLowerCase()}${suffix(gvk.group, gvk.version)}.json`, schema);
      count += 1;
    }
  }
  return count;
}

function fromCrds(path, write) {
  let count = 0;
  for (const doc of parseAllDocuments(readFileSync(path, 'utf8'))) {
    const crd = doc.toJS();
    if (crd?.kind !== 'CustomResourceDefinition') continue;
    const { group, names } = crd.spec;
    for (const version of crd.spec.versions) {
      if (!version.served) continue;
      const apiVersion = `${group}/${version.name}`;
      const schema = strict(version.schema?.openAPIV3Schema ?? { type: 'object' });
      // a custom resource's metadata is a regular ObjectMeta: keep it loose but typed
      schema.properties = { ...schema.properties, metadata: { type: 'object' } };
      write(`${names.kind.toLowerCase()}${suffix(group, version.name)}.json`, {
        $schema: 'http://json-schema.org/draft-07/schema#',
        ...withKind(schema, apiVersion, names.kind),
      });
      count += 1;
    }
  }
  return count;
}

const options = args(process.argv.slice(2));
mkdirSync(options.out, { recursive: true });
const write = (file, schema) => writeFileSync(join(options.out, file), JSON.stringify(schema));
let total = 0;
if (options.swagger) total += fromSwagger(options.swagger, write);
for (const crd of options.crd) total += fromCrds(crd, write);
console.log(`wrote ${total} schemas to ${options.out}`);
