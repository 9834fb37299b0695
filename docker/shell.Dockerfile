# The shell: Debian's nginx with the rendered pages, static files and config.
# docker build -f docker/shell.Dockerfile .

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci

FROM golang:1.26-bookworm AS build
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN mkdir -p fragments/layout/static/vendor/swagger-ui \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/dist/ext/hx-ws.min.js fragments/layout/static/vendor/ \
 && cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css fragments/layout/static/vendor/swagger-ui/ \
 && go run -tags sqlite_fts5 ./stack/cmd/murmur render /out 0.0.0.0:4040

FROM debian:bookworm-slim
RUN apt-get update && apt-get install -y --no-install-recommends nginx wget \
 && rm -rf /var/lib/apt/lists/* \
 && mkdir -p /var/lib/murmur-nginx /srv/murmur \
 && ln -sf /dev/stdout /var/log/nginx/nginx-access.log \
 && ln -sf /dev/stderr /var/log/nginx/nginx-error.log
COPY --from=build /out/site /srv/murmur/site
COPY --from=build /out/nginx.conf /etc/murmur/nginx.conf
EXPOSE 4040
HEALTHCHECK --interval=10s --timeout=3s CMD wget -q -O /dev/null http://127.0.0.1:4040/healthz || exit 1
CMD ["nginx", "-p", "/var/lib/murmur-nginx", "-c", "/etc/murmur/nginx.conf"]
