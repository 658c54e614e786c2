# Look-alikes of gcr.io/distroless/static-debian12:nonroot (target static) and
# gcr.io/distroless/nodejs22-debian12:nonroot (target nodejs), made without a registry:
# FROM scratch plus Debian's files (CA bundle, tzdata, netbase; for nodejs also glibc,
# libgcc, libstdc++, libgomp) and node at /nodejs/bin/node. No shell, no package manager.
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm
ARG NODE_IMAGE=glimpse-base/node:22-bookworm-slim
FROM ${NODE_IMAGE} AS node

FROM ${DEBIAN_IMAGE} AS files
RUN apt-get update \
 && apt-get install -y --no-install-recommends ca-certificates tzdata netbase libc6 libgcc-s1 libstdc++6 libgomp1 \
 && rm -rf /var/lib/apt/lists/*
# A package's file list names paths through bookworm's merged-/usr symlinks (/lib -> usr/lib):
# copy each file under its physical path and recreate the symlinks in the image instead.
RUN set -eu; S=/out/static; \
    mkdir -p $S/etc/ssl/certs $S/usr/share $S/usr/bin $S/usr/sbin $S/usr/lib $S/usr/lib64 $S/tmp $S/home/nonroot /out/cc; \
    for d in bin sbin lib lib64; do ln -s usr/$d $S/$d; done; \
    cp /etc/ssl/certs/ca-certificates.crt $S/etc/ssl/certs/; \
    cp -a /usr/share/zoneinfo $S/usr/share/; \
    cp /etc/services /etc/protocols /etc/ethertypes /etc/os-release $S/etc/; \
    printf '%s\n' 'root:x:0:0:root:/root:/sbin/nologin' 'nobody:x:65534:65534:nobody:/nonexistent:/sbin/nologin' \
      'nonroot:x:65532:65532:nonroot:/home/nonroot:/sbin/nologin' >$S/etc/passwd; \
    printf '%s\n' 'root:x:0:' 'nobody:x:65534:' 'tty:x:5:' 'staff:x:50:' 'nonroot:x:65532:' >$S/etc/group; \
    echo 'hosts: files dns' >$S/etc/nsswitch.conf; \
    chmod 1777 $S/tmp; chown 65532:65532 $S/home/nonroot; \
    dpkg -L libc6 libgcc-s1 libstdc++6 libgomp1 | while read -r p; do \
      if [ -L "$p" ] || [ -f "$p" ]; then printf '%s/%s\n' "$(cd "$(dirname "$p")" && pwd -P)" "$(basename "$p")"; fi; \
    done | grep -Ev '^/usr/share/(doc|man|info|lintian|locale)/' | sort -u \
      | tar -cf - --no-recursion -T - | tar -xf - -C /out/cc

FROM scratch AS static
COPY --from=files /out/static/ /
ENV SSL_CERT_FILE=/etc/ssl/certs/ca-certificates.crt PATH=/usr/local/bin:/usr/bin:/bin
USER 65532:65532
WORKDIR /home/nonroot

FROM static AS nodejs
COPY --from=files /out/cc/ /
COPY --from=node /usr/local/bin/node /nodejs/bin/node
ENV PATH=/nodejs/bin:/usr/local/bin:/usr/bin:/bin
ENTRYPOINT ["/nodejs/bin/node"]
