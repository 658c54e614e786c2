# Look-alike of nginxinc/nginx-unprivileged, made without a registry, from Debian's nginx-core:
# listens on 8080, runs as uid 101 (or any uid), writes only under /tmp (pid and temp files),
# logs to stdout/stderr, serves /usr/share/nginx/html and includes /etc/nginx/conf.d/*.conf.
ARG DEBIAN_IMAGE=glimpse-base/debian:bookworm
FROM ${DEBIAN_IMAGE}
RUN groupadd --system --gid 101 nginx \
 && useradd --system --uid 101 --gid nginx --home-dir /nonexistent --shell /usr/sbin/nologin nginx \
 && apt-get update && apt-get install -y --no-install-recommends nginx-core \
 && rm -rf /var/lib/apt/lists/* /etc/nginx/sites-enabled /etc/nginx/sites-available \
 && ln -sf /dev/stdout /var/log/nginx/access.log && ln -sf /dev/stderr /var/log/nginx/error.log \
 && mkdir -p /usr/share/nginx/html /etc/nginx/conf.d
COPY nginx.conf /etc/nginx/nginx.conf
COPY nginx-default.conf /etc/nginx/conf.d/default.conf
RUN nginx -t 2>&1
USER 101
EXPOSE 8080
STOPSIGNAL SIGQUIT
CMD ["nginx", "-g", "daemon off;"]
