# Look-alike of the official postgres image, made without a registry, from Debian's
# postgresql-15: the same entrypoint contract (POSTGRES_USER, POSTGRES_PASSWORD, POSTGRES_DB,
# POSTGRES_INITDB_ARGS, POSTGRES_HOST_AUTH_METHOD, PGDATA, /docker-entrypoint-initdb.d, args
# such as `-c key=value` passed to postgres), user postgres with uid 999, pg_isready on PATH,
# and nothing written outside PGDATA, /var/run/postgresql and /tmp (read-only root works).
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
ARG PG_MAJOR=15
# the uid/gid the official image (and the chart) use, created before the package does
RUN groupadd --system --gid 999 postgres \
 && useradd --system --uid 999 --gid postgres --home-dir /var/lib/postgresql --shell /bin/bash postgres \
 && mkdir -p /var/lib/postgresql /etc/postgresql-common/createcluster.d \
 && chown postgres:postgres /var/lib/postgresql \
 && echo 'create_main_cluster = false' >/etc/postgresql-common/createcluster.d/no-main-cluster.conf \
 && apt-get update && apt-get install -y --no-install-recommends postgresql-${PG_MAJOR} \
 && rm -rf /var/lib/apt/lists/* \
 && sed -ri "s!^#?(listen_addresses)\s*=\s*\S+.*!\1 = '*'!" /usr/share/postgresql/${PG_MAJOR}/postgresql.conf.sample \
 && mkdir -p /var/run/postgresql /docker-entrypoint-initdb.d /var/lib/postgresql/data \
 && chown postgres:postgres /var/run/postgresql /var/lib/postgresql/data \
 && chmod 3777 /var/run/postgresql && chmod 1777 /var/lib/postgresql/data
# Debian's binaries first: /usr/bin holds pg_wrapper links that want a cluster configuration
ENV PG_MAJOR=${PG_MAJOR} LANG=C.UTF-8 PGDATA=/var/lib/postgresql/data \
    PATH=/usr/lib/postgresql/${PG_MAJOR}/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
COPY postgres-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
USER 999:999
VOLUME /var/lib/postgresql/data
STOPSIGNAL SIGINT
EXPOSE 5432
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["postgres"]
