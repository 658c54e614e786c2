# Dependency images around binaries built on the host (scripts/tools/install.sh, gcc), made
# without a registry. One target per image; images.sh builds each from a context holding only
# its binary. They keep the official images' entrypoints, so the chart's command/args work:
#   minio        quay.io/minio/minio      /usr/bin/minio, `minio server /data`
#   gorse-in-one zhenghaoz/gorse-in-one   /usr/bin/gorse-in-one, args `-c config.toml ...`
#   traefik      traefik                  entrypoint traefik, args `--flag=value ...`
#   coredns      coredns/coredns          /coredns, args `-conf Corefile`
#   mailpit      axllent/mailpit          /mailpit, configured by MP_* variables
#   pause        registry.k8s.io/pause    /pause, uid 65535
ARG STATIC_IMAGE=glimpse-base/static:bookworm
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm

FROM ${STATIC_IMAGE} AS minio
COPY minio /usr/bin/minio
ENV MINIO_CONFIG_ENV_FILE=/etc/minio/config.env HOME=/tmp
EXPOSE 9000 9001
ENTRYPOINT ["/usr/bin/minio"]
CMD ["server", "/data"]

# gorse creates ~/.gorse/{dataset,temp} at start and takes ~ from /etc/passwd, not HOME: the
# nonroot user's home is /tmp here, so that a read-only root with a /tmp volume works
FROM ${STATIC_IMAGE} AS gorse-in-one
COPY gorse-in-one /usr/bin/gorse-in-one
COPY gorse-passwd /etc/passwd
ENV HOME=/tmp
EXPOSE 8086 8088
ENTRYPOINT ["/usr/bin/gorse-in-one"]
CMD ["-c", "/etc/gorse/config.toml"]

FROM ${STATIC_IMAGE} AS mailpit
COPY mailpit /mailpit
EXPOSE 1025 8025
ENTRYPOINT ["/mailpit"]

FROM ${STATIC_IMAGE} AS traefik
COPY traefik /usr/local/bin/traefik
EXPOSE 80
ENTRYPOINT ["/usr/local/bin/traefik"]

# as upstream: a non-root coredns that may bind port 53 (a file capability; BuildKit's COPY
# keeps it)
FROM ${DEBIAN_IMAGE} AS coredns-caps
RUN apt-get update && apt-get install -y --no-install-recommends libcap2-bin && rm -rf /var/lib/apt/lists/*
COPY coredns /coredns
RUN setcap cap_net_bind_service=+ep /coredns

FROM ${STATIC_IMAGE} AS coredns
COPY --from=coredns-caps /coredns /coredns
EXPOSE 53 53/udp
ENTRYPOINT ["/coredns"]

FROM scratch AS pause
COPY pause /pause
USER 65535:65535
ENTRYPOINT ["/pause"]
