# One multi-stage Dockerfile for every Glimpse image.
#
#   Services and workers (one small, non-root, shell-less image each):
#     docker build --target app --build-arg APP=auth -t glimpse/auth .
#     APP is one of: auth upload feed search static image-processor image-tagger indexer notifier cli
#   The web front end (nginx, unprivileged, SPA routing, long caching of hashed assets):
#     docker build --target web -t glimpse/web .
#   Development variants used by the Tiltfile (same layout, plus a shell, tar and `node --watch`
#   so that Tilt's live update can sync a re-bundled file into the running container):
#     --target app-dev   /   --target web-dev
#
# Each program is bundled by esbuild (scripts/tools/bundle.mjs) into /app/main.mjs; only the
# packages with native code it imports (sharp, PGlite, argon2, ...) are installed next to it,
# from a lockfile pruned out of the root package-lock.json, with `npm ci --omit=dev`.
#
# Node: the code targets Node >= 20.19; Node 20 reached end of life on 2026-04-30, so the
# images run the Node 22 LTS line by default (override with --build-arg NODE_VERSION=...).
#
# The base images are build args with the public images as defaults, so that a machine with no
# registry can pass local look-alikes (scripts/cluster/images.sh does). There is deliberately no
# `# syntax=` line: it makes BuildKit pull a frontend image, and the built-in frontend already
# has everything used here (RUN --mount=type=cache included).

ARG NODE_VERSION=22
ARG NODE_IMAGE=node:${NODE_VERSION}-bookworm-slim
ARG NODE_RUNTIME_IMAGE=gcr.io/distroless/nodejs22-debian12:nonroot
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28-alpine

# ---------------------------------------------------------------------------------------------
# Workspace manifests only, so that `npm ci` below is cached until a package.json changes.
FROM ${NODE_IMAGE} AS manifests
WORKDIR /src
COPY . .
RUN find . -name node_modules -prune -o \( -name package.json -o -name package-lock.json \) -print \
      | grep -v '^./dist/' \
      | xargs -I{} sh -c 'mkdir -p "/manifests/$(dirname "{}")" && cp "{}" "/manifests/{}"'

# ---------------------------------------------------------------------------------------------
# All dependencies of the workspace (build tools included). Install scripts are not run:
# esbuild, sharp, argon2 and PGlite ship prebuilt platform packages.
FROM ${NODE_IMAGE} AS deps
WORKDIR /src
ENV npm_config_update_notifier=false npm_config_fund=false npm_config_audit=false
COPY --from=manifests /manifests/ ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --ignore-scripts

# ---------------------------------------------------------------------------------------------
# Bundle every program of the shape (services, workers, cli) once; all app images share it.
FROM deps AS build
COPY . .
RUN node scripts/tools/bundle.mjs --all --strict --outdir /out

# The web front end (Vite build into apps/web/dist).
FROM deps AS web-build
COPY . .
RUN npx vite build apps/web --logLevel warn

# ---------------------------------------------------------------------------------------------
# Runtime node_modules of one program: only its external (native) packages.
FROM ${NODE_IMAGE} AS app-deps
ARG APP
RUN test -n "${APP}" || (echo "build with --build-arg APP=<program>" >&2; exit 1)
WORKDIR /app
COPY --from=build /out/${APP}/package.json /out/${APP}/package-lock.json ./
RUN --mount=type=cache,target=/root/.npm \
    npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -f package-lock.json

# ---------------------------------------------------------------------------------------------
# Production image of one program: distroless (no shell, no package manager), uid 65532.
FROM ${NODE_RUNTIME_IMAGE} AS app
ARG APP
LABEL org.opencontainers.image.source="https://github.com/glimpse/glimpse" \
      org.opencontainers.image.title="glimpse-${APP}" \
      org.opencontainers.image.licenses="AGPL-3.0-only"
WORKDIR /app
# `node` on PATH (distroless keeps it in /nodejs/bin), for the chart's `node -e` helpers
ENV NODE_ENV=production HOST=0.0.0.0 PORT=8080 GLIMPSE_DATA_DIR=/tmp/glimpse \
    PATH=/nodejs/bin:/usr/local/bin:/usr/bin:/bin
COPY --from=app-deps /app/ /app/
COPY --from=build /out/${APP}/main.mjs /out/${APP}/main.mjs.map /app/
USER 65532:65532
EXPOSE 8080
# the cli image takes its subcommand as arguments: `migrate`, `reindex`, `redrive`, ...
ENTRYPOINT ["/nodejs/bin/node", "--enable-source-maps", "/app/main.mjs"]

# ---------------------------------------------------------------------------------------------
# The web front end: unprivileged nginx on port 8080, read-only root filesystem ready
# (everything it writes goes to /tmp). nginx-unprivileged runs under any uid; the chart uses
# 65532 like every other Glimpse container.
FROM ${NGINX_IMAGE} AS web
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY docker/nginx/security-headers.conf /etc/nginx/glimpse/security-headers.conf
COPY --from=web-build /src/apps/web/dist/ /usr/share/nginx/html/
USER 65532:65532
EXPOSE 8080
