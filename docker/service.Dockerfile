# One image per service: docker build -f docker/service.Dockerfile --build-arg SERVICE=profile .
# Front-end assets come from npm, the service binary from Go (cgo, for SQLite;
# the tag sqlite_fts5 compiles in the full-text search tweets uses).

FROM node:20-bookworm-slim AS assets
WORKDIR /src
COPY package.json package-lock.json .npmrc ./
RUN npm ci

FROM golang:1.26-bookworm AS build
ARG SERVICE
WORKDIR /src
COPY go.mod go.sum ./
RUN go mod download
COPY . .
COPY --from=assets /src/node_modules ./node_modules
RUN mkdir -p fragments/layout/static/vendor/swagger-ui \
 && cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/dist/ext/hx-ws.min.js fragments/layout/static/vendor/ \
 && cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css fragments/layout/static/vendor/swagger-ui/ \
 && CGO_ENABLED=1 go build -tags sqlite_fts5 -trimpath -ldflags="-s -w" -o /out/service ./fragments/${SERVICE}/cmd/${SERVICE}

FROM debian:bookworm-slim
ARG SERVICE
RUN apt-get update && apt-get install -y --no-install-recommends ca-certificates wget \
 && rm -rf /var/lib/apt/lists/* \
 && useradd --system --home /data murmur && mkdir -p /data && chown murmur /data
COPY --from=build /out/service /usr/local/bin/murmur-service
USER murmur
ENV MURMUR_DATA_DIR=/data \
    SERVICE=${SERVICE}
VOLUME /data
HEALTHCHECK --interval=10s --timeout=3s --retries=3 \
  CMD wget -q -O /dev/null "http://127.0.0.1:${MURMUR_LISTEN##*:}/${SERVICE}/healthz" || exit 1
ENTRYPOINT ["/usr/local/bin/murmur-service"]
