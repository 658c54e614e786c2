// The chart's Prometheus objects: the PrometheusRule's alerts on the metrics every Glimpse
// program exports, checked by promtool (`check rules`, and `test rules` with the unit tests of
// alerts.promtool.yaml: each alert fires where it should and stays silent where it should
// not), and the ServiceMonitor and PodMonitor that scrape services and workers.
//
// Needs helm and promtool (scripts/tools/install.sh helm promtool); scripts/chart/check.sh
// runs this file with GLIMPSE_REQUIRE_PROMTOOL=1, so that a missing promtool fails there.
import { spawnSync } from 'node:child_process';
import { copyFileSync, existsSync, mkdtempSync, writeFileSync } from 'node:fs';
import { homedir, tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parseAllDocuments, stringify } from 'yaml';

const HERE = dirname(fileURLToPath(import.meta.url));
const CHART = resolve(HERE, '..');
const ROOT = resolve(CHART, '../..');
const TOOLS = process.env.GLIMPSE_TOOLS_DIR ?? join(homedir(), '.cache/glimpse-tools');
const HELM = existsSync(join(TOOLS, 'bin/helm')) ? join(TOOLS, 'bin/helm') : 'helm';
const PROMTOOL = join(TOOLS, 'bin/promtool');
const HAVE_PROMTOOL = existsSync(PROMTOOL);
if (!HAVE_PROMTOOL && process.env.GLIMPSE_REQUIRE_PROMTOOL) throw new Error(`no promtool at ${PROMTOOL}: run scripts/tools/install.sh promtool`);

/** The metrics the programs export (packages/http-service), by name. */
const EXPORTED = ['glimpse_queue_depth', 'glimpse_dead_letters', 'glimpse_jobs_total', 'glimpse_job_duration_seconds', 'glimpse_http_request_duration_seconds'];
const ALERTS = ['GlimpseQueueBacklogGrowing', 'GlimpseDeadLetters', 'GlimpseHighErrorRate', 'GlimpseHighLatency'];

function render(extra: string[], namespace = 'glimpse') {
  const result = spawnSync(HELM, ['template', 'glimpse', CHART, '--namespace', namespace, ...extra], { cwd: ROOT, encoding: 'utf8' });
  if (result.status !== 0) throw new Error(`helm template failed:\n${result.stderr}`);
  return parseAllDocuments(result.stdout).map((d) => d.toJS()).filter((o: any) => o?.kind) as any[];
}
const ENABLED = ['--set', 'metrics.prometheusRule.enabled=true'];
const ruleOf = (objects: any[]) => objects.find((o) => o.kind === 'PrometheusRule');
const rulesOf = (rule: any) => rule.spec.groups.flatMap((g: any) => g.rules);

/** Runs promtool on the rendered rules: `check rules`, then `test rules` on alerts.promtool.yaml. */
function promtool(rule: any) {
  const dir = mkdtempSync(join(tmpdir(), 'glimpse-alerts-'));
  // the descriptions are prose for people; the unit tests compare each alert's summary
  const groups = rule.spec.groups.map((g: any) => ({ ...g, rules: g.rules.map((r: any) => ({ ...r, annotations: { summary: r.annotations.summary } })) }));
  writeFileSync(join(dir, 'rules.yaml'), stringify({ groups }));
  writeFileSync(join(dir, 'full-rules.yaml'), stringify({ groups: rule.spec.groups }));
  copyFileSync(join(HERE, 'alerts.promtool.yaml'), join(dir, 'alerts.promtool.yaml'));
  const run = (...args: string[]) => spawnSync(PROMTOOL, args, { cwd: dir, encoding: 'utf8' });
  return { check: run('check', 'rules', 'full-rules.yaml'), test: run('test', 'rules', 'alerts.promtool.yaml') };
}

describe('PrometheusRule', () => {
  it('is off by default, on with metrics.prometheusRule.enabled, with its labels', () => {
    expect(ruleOf(render([]))).toBeUndefined();
    const rule = ruleOf(render([...ENABLED, '--set', 'metrics.prometheusRule.labels.release=prometheus']));
    expect(rule.metadata).toMatchObject({ name: 'glimpse', namespace: 'glimpse', labels: { release: 'prometheus' } });
    expect(rulesOf(rule).map((r: any) => r.alert)).toEqual(ALERTS);
  });

  it("uses only the exported metrics, and only the release's namespace", () => {
    const rules = rulesOf(ruleOf(render(ENABLED, 'photos')));
    for (const r of rules) {
      const metrics = [...r.expr.matchAll(/\b(glimpse_[a-z_]+?)(?:_bucket|_count|_sum)?\{([^}]*)\}/g)];
      expect(metrics.length, r.alert).toBeGreaterThan(0);
      for (const [, name, selector] of metrics) {
        expect(EXPORTED, `${r.alert}: ${name}`).toContain(name);
        expect(selector, `${r.alert}: ${name}`).toContain('namespace="photos"');
      }
      expect(r.labels.severity, r.alert).toMatch(/^(warning|critical)$/);
      expect(r.annotations.summary, r.alert).toBeTruthy();
      expect(r.annotations.description, r.alert).toBeTruthy();
    }
  });

  it('takes its thresholds and alert labels from values', () => {
    const rules = rulesOf(ruleOf(render([...ENABLED, '--set-json', 'metrics.prometheusRule.errorRate={"ratio":0.02,"minRequestsPerSecond":1,"for":"3m"}', '--set', 'metrics.prometheusRule.alertLabels.team=photos'])));
    const errors = rules.find((r: any) => r.alert === 'GlimpseHighErrorRate');
    expect(errors.expr).toMatch(/\) > 0\.02\n/);
    expect(errors.expr).toMatch(/>= 1$/);
    expect(errors.for).toBe('3m');
    for (const r of rules) expect(r.labels.team, r.alert).toBe('photos');
  });

  it('refuses thresholds that are no numbers', () => {
    const result = spawnSync(HELM, ['template', 'glimpse', CHART, ...ENABLED, '--set', 'metrics.prometheusRule.latency.p95Seconds=fast'], { cwd: ROOT, encoding: 'utf8' });
    expect(result.status).not.toBe(0);
    expect(result.stderr).toMatch(/p95Seconds/);
  });

  describe.skipIf(!HAVE_PROMTOOL)('under promtool', () => {
    it('passes promtool check rules and the unit tests of every alert', () => {
      const { check, test } = promtool(ruleOf(render(ENABLED)));
      expect(check.status, check.stdout + check.stderr).toBe(0);
      expect(check.stdout).toContain('SUCCESS: 4 rules found');
      expect(test.status, test.stdout + test.stderr).toBe(0);
      expect(test.stdout).toContain('SUCCESS');
    });

    it('fails the unit tests when a threshold no longer holds (they test the rules, not themselves)', () => {
      const laxer = promtool(ruleOf(render([...ENABLED, '--set-json', 'metrics.prometheusRule.errorRate.ratio=0.2', '--set', 'metrics.prometheusRule.queueBacklog.minMessages=1000'])));
      expect(laxer.test.status).not.toBe(0);
      const out = laxer.test.stdout + laxer.test.stderr;
      expect(out).toMatch(/alertname: GlimpseHighErrorRate/);
      expect(out).toMatch(/alertname: GlimpseQueueBacklogGrowing/);
      expect(out).not.toMatch(/alertname: GlimpseDeadLetters/);
    });
  });
});

describe('scraping services and workers', () => {
  it('a ServiceMonitor for the services and a PodMonitor for the workers, keeping the programs\' service label', () => {
    const objects = render(['--set', 'metrics.serviceMonitor.enabled=true', '--set', 'metrics.serviceMonitor.labels.release=prometheus']);
    const services = objects.find((o) => o.kind === 'ServiceMonitor');
    const workers = objects.find((o) => o.kind === 'PodMonitor');
    expect(services.spec.selector.matchLabels['glimpse.dev/kind']).toBe('service');
    expect(workers.spec.selector.matchLabels['glimpse.dev/kind']).toBe('worker');
    expect(services.spec.endpoints[0]).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
    expect(workers.spec.podMetricsEndpoints[0]).toMatchObject({ port: 'http', path: '/metrics', honorLabels: true });
    expect(workers.metadata.labels.release).toBe('prometheus');
    // every worker Deployment's pods match the PodMonitor and name the port it scrapes
    for (const d of objects.filter((o) => o.kind === 'Deployment' && o.metadata.labels['glimpse.dev/kind'] === 'worker')) {
      const labels = d.spec.template.metadata.labels;
      for (const [k, v] of Object.entries(workers.spec.selector.matchLabels)) expect(labels[k], `${d.metadata.name} ${k}`).toBe(v);
      expect(d.spec.template.spec.containers[0].ports.map((p: any) => p.name)).toContain('http');
    }
    expect(render([]).filter((o) => o.kind === 'PodMonitor' || o.kind === 'ServiceMonitor')).toEqual([]);
  });
});
