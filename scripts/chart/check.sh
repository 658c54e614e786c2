#!/usr/bin/env bash
# Every static check of the Helm chart, offline apart from the Go module proxy:
#   1. tools: helm, kubeconform, kube-score, promtool (scripts/tools/install.sh; cached)
#   2. values.schema.json and the README's values table are regenerated and compared
#   3. helm lint --strict and helm template for every profile (ci/*.yaml and k8s/values-dev.yaml)
#   4. every rendered object (and Traefik's CRDs) validated by kubeconform against strict
#      schemas generated from the Kubernetes OpenAPI document of each version in K8S_VERSIONS
#      and from the CRDs of Traefik (vendored), KEDA and the Prometheus Operator (Go modules)
#   5. kube-score on every profile, exclusions in scripts/chart/kube-score.ignore
#   6. the render-content tests (vitest, charts/glimpse/test/*.chart.test.ts), among them the
#      alerts' unit tests (promtool test rules charts/glimpse/test/alerts.promtool.yaml)
# Ends with a line "N passed, M failed". Usage: scripts/chart/check.sh
set -uo pipefail
cd "$(dirname "$0")/../.."
ROOT=$PWD
START=$(date +%s)
K8S_VERSIONS=${K8S_VERSIONS:-"1.30.14 1.36.3"}
KEDA_MODULE=github.com/kedacore/keda/v2@v2.21.0
PROMETHEUS_OPERATOR_MODULE=github.com/prometheus-operator/prometheus-operator@v0.85.0
CHART=charts/glimpse
OUT=${CHART_CHECK_OUT:-$ROOT/reports/chart}

# shellcheck source=../tools/env.sh
source scripts/tools/env.sh
mkdir -p "$OUT"
passed=0
failed=0
failures=()
step() { printf '\n== %s\n' "$*"; }
ok() { passed=$((passed + 1)); printf 'ok   %s\n' "$*"; }
bad() { failed=$((failed + 1)); failures+=("$*"); printf 'FAIL %s\n' "$*"; }

step "tools"
if ! scripts/tools/install.sh helm kubeconform kube-score promtool; then
  echo "check: could not install the tools" >&2
  echo "0 passed, 1 failed"
  exit 1
fi
helm version --short

step "generated files are up to date"
node scripts/chart/values-schema.mjs --check && ok "values.schema.json" || bad "values.schema.json is stale (node scripts/chart/values-schema.mjs)"
node scripts/chart/values-doc.mjs --check && ok "README values reference" || bad "README values reference is stale (node scripts/chart/values-doc.mjs)"
TRAEFIK_CRDS=$(ls $CHART/charts/traefik/crds/traefik-crds-*.yaml)
TRAEFIK_VERSION=$(basename "$TRAEFIK_CRDS" .yaml | sed 's/^traefik-crds-//')
if MODDIR=$(scripts/tools/install.sh --module-dir "github.com/traefik/traefik/v3@$TRAEFIK_VERSION"); then
  if cmp -s "$TRAEFIK_CRDS" "$MODDIR/docs/content/reference/dynamic-configuration/kubernetes-crd-definition-v1.yml"; then
    ok "Traefik CRDs match Traefik $TRAEFIK_VERSION"
  else
    bad "charts/traefik/crds differ from Traefik $TRAEFIK_VERSION's CRDs"
  fi
else
  bad "could not download Traefik $TRAEFIK_VERSION to compare its CRDs"
fi

step "helm lint --strict and helm template"
# the chart's own defaults (no values file: what a bare `helm install` gets), the ci/ profiles
# and the Tilt development values
mkdir -p "$OUT/profiles" && : >"$OUT/profiles/defaults.yaml"
PROFILES=("$OUT/profiles/defaults.yaml")
for f in $CHART/ci/*-values.yaml k8s/values-dev.yaml; do PROFILES+=("$f"); done
helm lint --strict "$CHART/charts/traefik" >"$OUT/traefik-subchart.lint.txt" 2>&1 && ok "helm lint --strict (traefik subchart)" || { cat "$OUT/traefik-subchart.lint.txt"; bad "helm lint --strict (traefik subchart)"; }
for f in "${PROFILES[@]}"; do
  name=$(basename "$f" .yaml)
  if helm lint --strict "$CHART" -f "$f" >"$OUT/$name.lint.txt" 2>&1; then ok "helm lint --strict ($name)"; else cat "$OUT/$name.lint.txt"; bad "helm lint --strict ($name)"; fi
  if helm template glimpse "$CHART" --namespace glimpse --include-crds -f "$f" >"$OUT/$name.yaml" 2>"$OUT/$name.template.err"; then
    ok "helm template ($name): $(grep -c '^kind:' "$OUT/$name.yaml") objects"
  else
    cat "$OUT/$name.template.err"; bad "helm template ($name)"
  fi
done

step "schemas (offline, from the Go module proxy's modules)"
SCHEMAS="$GLIMPSE_TOOLS_DIR/schemas"
KEDA_DIR=$(scripts/tools/install.sh --module-dir "$KEDA_MODULE") || bad "download $KEDA_MODULE"
PO_DIR=$(scripts/tools/install.sh --module-dir "$PROMETHEUS_OPERATOR_MODULE") || bad "download $PROMETHEUS_OPERATOR_MODULE"
CRDS=("$TRAEFIK_CRDS"
  "$KEDA_DIR/config/crd/bases/keda.sh_scaledobjects.yaml"
  "$KEDA_DIR/config/crd/bases/keda.sh_triggerauthentications.yaml"
  "$PO_DIR/example/prometheus-operator-crd/monitoring.coreos.com_servicemonitors.yaml"
  "$PO_DIR/example/prometheus-operator-crd/monitoring.coreos.com_podmonitors.yaml"
  "$PO_DIR/example/prometheus-operator-crd/monitoring.coreos.com_prometheusrules.yaml")
CRD_ARGS=()
for crd in "${CRDS[@]}"; do CRD_ARGS+=(--crd "$crd"); done
for v in $K8S_VERSIONS; do
  dir="$SCHEMAS/v$v-standalone-strict"
  # the schemas are regenerated when the generator or the list of CRDs changes
  stamp="$dir/.complete-$( (cat scripts/chart/k8s-schemas.mjs "$TRAEFIK_CRDS"; printf '%s\n' "${CRDS[@]##*/}") | sha256sum | cut -c1-16)"
  if [ ! -f "$stamp" ]; then
    K8S_DIR=$(scripts/tools/install.sh --module-dir "k8s.io/kubernetes@v$v") || { bad "download k8s.io/kubernetes@v$v"; continue; }
    rm -rf "$dir"
    node scripts/chart/k8s-schemas.mjs --out "$dir" --swagger "$K8S_DIR/api/openapi-spec/swagger.json" \
      "${CRD_ARGS[@]}" && touch "$stamp" || { bad "generate schemas for Kubernetes $v"; continue; }
  fi
  for f in "${PROFILES[@]}"; do
    name=$(basename "$f" .yaml)
    [ -s "$OUT/$name.yaml" ] || continue
    if kubeconform -strict -summary -output text -kubernetes-version "$v" \
        -schema-location "$SCHEMAS/{{ .NormalizedKubernetesVersion }}-standalone{{ .StrictSuffix }}/{{ .ResourceKind }}{{ .KindSuffix }}.json" \
        "$OUT/$name.yaml" >"$OUT/$name.kubeconform-$v.txt" 2>&1; then
      ok "kubeconform Kubernetes $v ($name): $(tail -n1 "$OUT/$name.kubeconform-$v.txt" | sed 's/^Summary: //')"
    else
      cat "$OUT/$name.kubeconform-$v.txt"; bad "kubeconform Kubernetes $v ($name)"
    fi
  done
done

step "kube-score (security and reliability linter)"
IGNORES=$(grep -v '^\s*#' scripts/chart/kube-score.ignore | awk 'NF { printf "--ignore-test %s ", $1 }')
for f in "${PROFILES[@]}"; do
  name=$(basename "$f" .yaml)
  [ "$name" = values-dev ] && continue # dev values trade read-only root filesystems for live update
  [ -s "$OUT/$name.yaml" ] || continue
  # shellcheck disable=SC2086
  if kube-score score $IGNORES --output-format ci "$OUT/$name.yaml" >"$OUT/$name.kube-score.txt" 2>&1; then
    ok "kube-score ($name): $(grep -c '^\[OK\]' "$OUT/$name.kube-score.txt") OK, $(grep -c '^\[WARNING\]' "$OUT/$name.kube-score.txt") warnings, 0 critical"
  else
    grep -E '^\[(CRITICAL|WARNING)\]' "$OUT/$name.kube-score.txt"; bad "kube-score ($name)"
  fi
done

step "render-content test"
if GLIMPSE_REQUIRE_PROMTOOL=1 npx vitest run --config charts/glimpse/test/vitest.config.ts; then ok "charts/glimpse/test/*.chart.test.ts"; else bad "charts/glimpse/test/*.chart.test.ts"; fi

step "summary"
for f in "${failures[@]}"; do echo "failed: $f"; done
echo "chart checks took $(( $(date +%s) - START ))s; rendered manifests and reports in ${OUT#$ROOT/}"
mkdir -p "$ROOT/reports"
printf '{"numPassedTests":%d,"numFailedTests":%d,"numPendingTests":0,"numTodoTests":0}\n' "$passed" "$failed" > "$ROOT/reports/chart-checks.json"
echo "$passed passed, $failed failed"
[ "$failed" -eq 0 ]
