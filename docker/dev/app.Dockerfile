# Development image of one Glimpse program, for Tilt (see Tiltfile). Its context is the bundle
# that `node scripts/tools/bundle.mjs --all` writes on the host (dist/containers/<APP>):
# Tilt's live update syncs a new main.mjs into the running container and `node --watch`
# restarts the program. Debian slim, for the shell and tar that live update needs.
ARG NODE_VERSION=22
FROM node:${NODE_VERSION}-bookworm-slim
ARG APP
# "1": restart on change (services, workers); "": run once (the cli, e.g. the migrate Job)
ARG WATCH=1
WORKDIR /app
COPY dist/containers/${APP}/package.json dist/containers/${APP}/package-lock.json ./
RUN npm ci --omit=dev --ignore-scripts --no-audit --no-fund \
 && rm -f package-lock.json \
 && chown -R 65532:65532 /app
COPY --chown=65532:65532 dist/containers/${APP}/main.mjs dist/containers/${APP}/main.mjs.map /app/
ENV NODE_ENV=development HOST=0.0.0.0 PORT=8080 GLIMPSE_DATA_DIR=/tmp/glimpse NODE_WATCH=${WATCH}
USER 65532:65532
EXPOSE 8080
ENTRYPOINT ["/bin/sh", "-c", "exec node --enable-source-maps ${NODE_WATCH:+--watch} /app/main.mjs \"$@\"", "--"]
