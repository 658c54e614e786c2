# Development image of the web front end, for Tilt: the Vite build from the host
# (apps/web/dist), owned by uid 65532 so that Tilt's live update can sync a new build in.
ARG NGINX_IMAGE=nginxinc/nginx-unprivileged:1.28-alpine
FROM ${NGINX_IMAGE}
COPY docker/nginx/default.conf /etc/nginx/conf.d/default.conf
COPY docker/nginx/security-headers.conf /etc/nginx/glimpse/security-headers.conf
COPY --chown=65532:65532 apps/web/dist/ /usr/share/nginx/html/
USER 65532:65532
EXPOSE 8080
