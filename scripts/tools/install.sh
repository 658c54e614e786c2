#!/usr/bin/env bash
# Installs the Go-built tools Glimpse's checks and live tests use, at pinned versions,
# from the Go module proxy (the only place this project's machines can get them).
#
#   scripts/tools/install.sh TOOL...        install (or skip, if already there) each TOOL
#   scripts/tools/install.sh --list         print the pinned tools and versions
#   scripts/tools/install.sh --all          every tool in the table below
#   scripts/tools/install.sh --path TOOL    print where TOOL's binary is (after installing it)
#   scripts/tools/install.sh --module-dir MODULE@VERSION
#                                           download a Go module into the same cache and print
#                                           its directory (the chart checks read CRDs and the
#                                           Kubernetes OpenAPI document from modules this way)
#
# Everything goes under ${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}:
#   bin/          the binaries (put on PATH by `source scripts/tools/env.sh`)
#   go/           GOPATH and GOMODCACHE, go-build/  GOCACHE  (kept by CI machines that keep the dir)
#   src/          writable copies of modules built in place (those with `replace` directives)
#   stamps/       one file per tool@version: a tool whose stamp and binary exist is skipped
#   logs/         the full go output of each build
#
# Idempotent: run it as often as you like; it only builds what is missing or at another version.
set -euo pipefail

TOOLS_DIR="${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}"
BIN_DIR="$TOOLS_DIR/bin"
STAMP_DIR="$TOOLS_DIR/stamps"
LOG_DIR="$TOOLS_DIR/logs"
SRC_DIR="$TOOLS_DIR/src"

# name | module | version | package inside the module | binary | method | ldflags
#   method: install = `go install module/pkg@version`, falling back to build when it fails;
#           build   = download the module and `go build` inside a writable copy of it
#                     (needed when the module's go.mod has `replace` directives).
#           staging = Kubernetes itself: its go.mod replaces k8s.io/* with ./staging and it
#                     vendors; in a writable copy, vendor/ and go.work go, the replace block
#                     goes, and the staging modules are required at the published v0.x of
#                     the same release. Several packages (space-separated) build at once, so
#                     their shared dependencies compile once.
#   ldflags: ${V} is replaced by the version.
# Versions are the newest ones whose whole dependency graph the module proxy these machines
# reach serves: Traefik 3.7.x needs module versions it refuses (lego v5.4.1, go-http-auth of
# 2026), so Traefik is 3.6.12; Tilt is 0.34.0 for the same reason. Mailpit is v1.27.11: the
# proxy serves v1.33.1 too, but its web UI needs rapidoc 12 and sass-embedded 1.108.1, which the
# npm registry these machines reach does not serve; v1.27.11's package-lock installs whole.
TOOLS=$(cat <<'EOF'
helm|helm.sh/helm/v4|v4.3.1|cmd/helm|helm|install|-X helm.sh/helm/v4/internal/version.version=${V}
kube-score|github.com/zegl/kube-score|v1.20.0|cmd/kube-score|kube-score|install|-X main.version=${V}
kubeconform|github.com/yannh/kubeconform|v0.8.0|cmd/kubeconform|kubeconform|install|
kube-linter|golang.stackrox.io/kube-linter|v0.7.6|cmd/kube-linter|kube-linter|install|
minio|github.com/minio/minio|v0.0.0-20260212201848-7aac2a2c5b7c|.|minio|build|
mc|github.com/minio/mc|v0.0.0-20250313080218-cf909e1063a9|.|mc|build|
traefik|github.com/traefik/traefik/v3|v3.6.12|cmd/traefik|traefik|build|-X github.com/traefik/traefik/v3/pkg/version.Version=${V}
gorse|github.com/gorse-io/gorse|v0.5.4|cmd/gorse-in-one|gorse-in-one|build|-X github.com/gorse-io/gorse/cmd/version.Version=${V}
tilt|github.com/tilt-dev/tilt|v0.34.0|cmd/tilt|tilt|build|-X main.Version=${V#v}
kubernetes|k8s.io/kubernetes|v1.34.4|cmd/kube-apiserver cmd/kube-controller-manager cmd/kube-scheduler cmd/kubelet cmd/kube-proxy|kube-apiserver|staging|-X k8s.io/component-base/version.gitVersion=${V} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 -X k8s.io/component-base/version.gitTreeState=clean
kubectl|k8s.io/kubernetes|v1.34.4|cmd/kubectl|kubectl|staging|-X k8s.io/component-base/version.gitVersion=${V} -X k8s.io/component-base/version.gitMajor=1 -X k8s.io/component-base/version.gitMinor=34 -X k8s.io/component-base/version.gitTreeState=clean
coredns|github.com/coredns/coredns|v1.14.7|.|coredns|install|
registry|github.com/distribution/distribution/v3|v3.0.0|cmd/registry|registry|install|
promtool|github.com/prometheus/prometheus|v0.316.0|cmd/promtool|promtool|install|-X github.com/prometheus/common/version.Version=${V}
mailpit|github.com/axllent/mailpit|v1.27.11|.|mailpit|build|-X github.com/axllent/mailpit/config.Version=${V}
EOF
)

# Tools the module proxy this project can reach does not serve, and why (printed instead of
# a build failure deep in go's output).
# Extra environment of some builds.
tool_env() {
  case "$1" in
    # tilt links tree-sitter (cgo); the checksum database the proxy mirrors does not list
    # tilt's module, so its checksum is taken from the proxy alone
    tilt) echo "CGO_ENABLED=1 GONOSUMDB=github.com/tilt-dev/tilt" ;;
  esac
}

# Steps some builds need inside their writable copy before `go build`.
tool_prebuild() {
  case "$1" in
    # Mailpit embeds its web UI (server/ui/dist), which the module does not ship: it is built
    # with npm from the module's own package-lock.json, from the npm registry, scripts off
    # (esbuild's binary comes as an optional dependency); without it the UI is an empty page.
    mailpit) npm ci --ignore-scripts --no-audit --no-fund && npm run package ;;
  esac
}

known_unavailable() {
  case "$1" in
    kube-linter) echo "golang.stackrox.io is not on the module-host allowlist of the Go module proxy these machines reach (403 'Go module host not permitted'); the chart checks use kube-score instead" ;;
    *) return 1 ;;
  esac
}

log() { printf '[tools] %s\n' "$*" >&2; }
die() { printf '[tools] ERROR: %s\n' "$*" >&2; exit 1; }

find_go() {
  if command -v go >/dev/null 2>&1; then command -v go; return; fi
  for g in /usr/local/go/bin/go /usr/lib/go/bin/go; do
    [ -x "$g" ] && { echo "$g"; return; }
  done
  die "no Go toolchain found (looked on PATH and in /usr/local/go/bin); install Go >= 1.24 first"
}

tool_line() {
  local line
  line=$(printf '%s\n' "$TOOLS" | awk -F'|' -v n="$1" '$1 == n') || true
  [ -n "$line" ] || die "unknown tool '$1' (known: $(printf '%s\n' "$TOOLS" | cut -d'|' -f1 | tr '\n' ' '))"
  printf '%s\n' "$line"
}

setup_go_env() {
  GO=$(find_go)
  export GOPATH="$TOOLS_DIR/go"
  export GOMODCACHE="$TOOLS_DIR/go/pkg/mod"
  export GOCACHE="$TOOLS_DIR/go-build"
  export GOTOOLCHAIN=local
  export GOFLAGS="-mod=mod -buildvcs=false"
  export CGO_ENABLED="${CGO_ENABLED:-0}"
  export GOPROXY="${GOPROXY:-https://proxy.golang.org,direct}"
  mkdir -p "$BIN_DIR" "$STAMP_DIR" "$LOG_DIR" "$SRC_DIR" "$GOMODCACHE" "$GOCACHE"
}

install_tool() {
  local name="$1" line module version pkg binary method ldflags_t ldflags stamp logf start
  line=$(tool_line "$name")
  IFS='|' read -r _ module version pkg binary method ldflags_t <<<"$line"
  V="$version"
  ldflags="-s -w ${ldflags_t//\$\{V\}/$V}"
  ldflags="${ldflags//\$\{V#v\}/${V#v}}"
  stamp="$STAMP_DIR/$name@$version"
  if [ -f "$stamp" ] && [ -x "$BIN_DIR/$binary" ]; then
    log "$name $version: already installed ($BIN_DIR/$binary)"
    return 0
  fi
  local why
  if why=$(known_unavailable "$name"); then
    log "$name $version: NOT AVAILABLE here: $why"
    return 3
  fi
  local kv
  for kv in $(tool_env "$name"); do export "${kv?}"; done
  logf="$LOG_DIR/$name@$version.log"
  : >"$logf"
  start=$(date +%s)
  log "$name $version: building $module/$pkg (method: $method; log: $logf) ..."
  local ok=0
  if [ "$method" = install ]; then
    local target="$module"; [ "$pkg" != . ] && target="$module/$pkg"
    if GOBIN="$BIN_DIR" "$GO" install -trimpath -ldflags "$ldflags" "$target@$version" >>"$logf" 2>&1; then
      ok=1
    else
      log "$name: go install failed (often: replace directives in go.mod); building inside the module instead"
    fi
  fi
  if [ "$method" = staging ]; then
    build_staging "$module" "$version" "$pkg" "$ldflags" "$logf" "$name"
    ok=1
  fi
  if [ "$ok" = 0 ]; then
    local json dir copy
    if ! json=$("$GO" mod download -json "$module@$version" 2>>"$logf"); then
      tail -n 20 "$logf" >&2
      die "$name: could not download $module@$version from the Go module proxy ($GOPROXY); see $logf"
    fi
    dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
    [ -n "$dir" ] && [ -d "$dir" ] || die "$name: go mod download did not report a Dir for $module@$version"
    copy="$SRC_DIR/$name@$version"
    rm -rf "$copy"
    cp -R "$dir" "$copy"
    chmod -R u+w "$copy"
    if ! (cd "$copy" && tool_prebuild "$name" && "$GO" build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/$binary.tmp" "./$pkg") >>"$logf" 2>&1; then
      tail -n 30 "$logf" >&2
      rm -f "$BIN_DIR/$binary.tmp"
      die "$name: go build failed in $copy; full output in $logf"
    fi
    mv -f "$BIN_DIR/$binary.tmp" "$BIN_DIR/$binary"
    # the copy is only needed for the build; the module cache keeps the pristine source
    rm -rf "$copy"
  fi
  [ -x "$BIN_DIR/$binary" ] || die "$name: build reported success but $BIN_DIR/$binary is missing"
  rm -f "$STAMP_DIR/$name@"*
  local secs=$(( $(date +%s) - start ))
  printf 'module=%s\nversion=%s\nbinary=%s\nbuild_seconds=%s\ngo=%s\n' \
    "$module" "$version" "$BIN_DIR/$binary" "$secs" "$("$GO" env GOVERSION)" >"$stamp"
  log "$name $version: installed $BIN_DIR/$binary in ${secs}s"
}

# Kubernetes' own module: see "staging" above. Binaries land in bin/ under their own names.
build_staging() {
  local module="$1" version="$2" pkgs="$3" ldflags="$4" logf="$5" name="$6" json dir copy staged mods=() m
  json=$("$GO" mod download -json "$module@$version" 2>>"$logf") || die "$name: could not download $module@$version; see $logf"
  dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
  copy="$SRC_DIR/$name@$version"
  rm -rf "$copy"; cp -R "$dir" "$copy"; chmod -R u+w "$copy"
  staged="v0.${version#v1.}"
  (
    cd "$copy"
    rm -rf vendor go.work go.work.sum
    mapfile -t mods < <("$GO" mod edit -json | node -e '
      const m = JSON.parse(require("fs").readFileSync(0, "utf8"));
      for (const r of m.Replace || []) if (r.New.Path.startsWith("./staging/")) console.log(r.Old.Path);')
    [ ${#mods[@]} -gt 0 ] || { echo "no staging replace directives found in go.mod" >&2; exit 1; }
    args=()
    for m in "${mods[@]}"; do args+=("-dropreplace=$m" "-require=$m@$staged"); done
    "$GO" mod edit "${args[@]}"
    rm -rf staging
    local targets=()
    for m in $pkgs; do targets+=("./$m"); done
    "$GO" build -trimpath -ldflags "$ldflags" -o "$BIN_DIR/" "${targets[@]}"
  ) >>"$logf" 2>&1 || { tail -n 30 "$logf" >&2; die "$name: build failed in $copy; full output in $logf"; }
  rm -rf "$copy"
}

main() {
  [ $# -gt 0 ] || { sed -n '2,16p' "$0" | sed 's/^# \{0,1\}//'; exit 2; }
  case "$1" in
    --list) printf '%s\n' "$TOOLS" | awk -F'|' '{ printf "%-12s %-34s %s\n", $1, $2, $3 }'; exit 0 ;;
    --path)
      shift; [ $# -eq 1 ] || die "--path takes one tool"
      setup_go_env; install_tool "$1" >&2 || exit $?
      echo "$BIN_DIR/$(tool_line "$1" | cut -d'|' -f5)"; exit 0 ;;
    --all) set -- $(printf '%s\n' "$TOOLS" | cut -d'|' -f1) ;;
    --module-dir)
      shift; [ $# -eq 1 ] || die "--module-dir takes one MODULE@VERSION"
      setup_go_env
      local json dir
      json=$("$GO" mod download -json "$1") || die "could not download $1 from the Go module proxy"
      dir=$(printf '%s\n' "$json" | sed -n 's/^[[:space:]]*"Dir": "\(.*\)",\{0,1\}$/\1/p' | head -n1)
      [ -n "$dir" ] && [ -d "$dir" ] || die "go mod download reported no directory for $1: $(printf '%s' "$json" | grep -m1 Error)"
      echo "$dir"; exit 0 ;;
  esac
  setup_go_env
  local failed=() rc
  for t in "$@"; do
    # a failing tool does not stop the others; the exit code says something failed
    set +e
    ( set -e; install_tool "$t" )
    rc=$?
    set -e
    [ "$rc" = 0 ] || failed+=("$t(rc=$rc)")
  done
  if [ ${#failed[@]} -gt 0 ]; then
    log "not installed: ${failed[*]}"
    exit 1
  fi
}

main "$@"
