# Look-alike of the official rabbitmq:*-management image, made without a registry, from
# Debian's rabbitmq-server (3.10, with its management plugin): RABBITMQ_DEFAULT_USER/PASS/VHOST,
# user rabbitmq with uid 999, HOME and data in /var/lib/rabbitmq, logs to stdout,
# rabbitmq-diagnostics on PATH, AMQP on 5672 and management on 15672; nothing written outside
# /var/lib/rabbitmq and /tmp (read-only root works).
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 999 rabbitmq \
 && useradd --system --uid 999 --gid rabbitmq --home-dir /var/lib/rabbitmq --shell /bin/sh rabbitmq \
 && mkdir -p /var/lib/rabbitmq && chown rabbitmq:rabbitmq /var/lib/rabbitmq \
 && apt-get update && apt-get install -y --no-install-recommends rabbitmq-server \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /etc/rabbitmq/conf.d \
 && echo '[rabbitmq_management,rabbitmq_prometheus].' >/etc/rabbitmq/enabled_plugins \
 && printf '%s\n' 'loopback_users.guest = false' 'listeners.tcp.default = 5672' 'management.tcp.port = 15672' \
      >/etc/rabbitmq/conf.d/10-defaults.conf \
 && rm -f /var/lib/rabbitmq/.erlang.cookie
COPY rabbitmq-entrypoint.sh /usr/local/bin/docker-entrypoint.sh
# Debian's /usr/sbin wrappers redirect the server's output to /var/log and `su` around:
# the upstream scripts in /usr/lib/rabbitmq/bin come first
ENV HOME=/var/lib/rabbitmq RABBITMQ_LOGS=- RABBITMQ_DATA_DIR=/var/lib/rabbitmq \
    PATH=/usr/lib/rabbitmq/bin:/usr/local/sbin:/usr/local/bin:/usr/sbin:/usr/bin:/sbin:/bin
USER 999:999
WORKDIR /var/lib/rabbitmq
VOLUME /var/lib/rabbitmq
EXPOSE 5672 15672
ENTRYPOINT ["docker-entrypoint.sh"]
CMD ["rabbitmq-server"]
