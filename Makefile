# murmur — nginx stitches Go services into one microblog; services/services.json lists them.
# `make start` runs the product, `make test` runs every test. `make help` lists all targets.

SHELL      := /bin/bash
GO         ?= go
BIN        := bin
RUN_DIR    := .murmur
VENDOR     := fragments/layout/static/vendor
SERVICES   := $(notdir $(wildcard fragments/*/cmd/*))
# Build tags of every go build, test, vet and staticcheck: tweets searches its
# text with SQLite's FTS5, which mattn/go-sqlite3 compiles in only with this tag.
TAGS       := sqlite_fts5

.DEFAULT_GOAL := help

.PHONY: help
help: ## list every target with one line each
	@grep -hE '^[a-zA-Z_-]+:.*## ' $(MAKEFILE_LIST) | awk 'BEGIN {FS = ":.*## "}; {printf "  \033[1m%-12s\033[0m %s\n", $$1, $$2}'

.PHONY: deps
deps: ## install missing system packages to run murmur (nginx, redis-server) with apt where allowed
	@scripts/install-deps.sh nginx redis-server

.PHONY: test-deps
test-deps: ## install missing system packages to test murmur (adds chromium)
	@scripts/install-deps.sh nginx redis-server chromium

node_modules/.package-lock.json: package.json package-lock.json
	npm ci

.PHONY: assets
assets: node_modules/.package-lock.json ## copy htmx and Swagger UI from npm into the embedded static folder
	@mkdir -p $(VENDOR)/swagger-ui
	@cp node_modules/htmx.org/dist/htmx.min.js node_modules/htmx.org/dist/ext/hx-ws.min.js $(VENDOR)/
	@cp node_modules/swagger-ui-dist/swagger-ui-bundle.js node_modules/swagger-ui-dist/swagger-ui.css $(VENDOR)/swagger-ui/

.PHONY: build
build: assets ## build every service and the murmur launcher into bin/
	@mkdir -p $(BIN)
	$(GO) build -tags $(TAGS) -o $(BIN)/ ./fragments/*/cmd/* ./stack/cmd/murmur

.PHONY: start
start: deps build ## build, then start whatever is not running (a supervisor restarts parts that crash)
	@$(BIN)/murmur start -dir $(RUN_DIR) -bin $(BIN)

.PHONY: stop
stop: ## stop the supervisor and everything `make start` started
	@if [ -x $(BIN)/murmur ]; then $(BIN)/murmur stop -dir $(RUN_DIR); else echo "nothing to stop"; fi

.PHONY: status
status: ## show each part: up or down, since when, restarts, address, log file
	@if [ -x $(BIN)/murmur ]; then $(BIN)/murmur status -dir $(RUN_DIR); else echo "murmur is not running (make start starts it)"; fi

.PHONY: logs
logs: ## follow the logs of every part (rotated at 10 MB, see README)
	@tail -F $(RUN_DIR)/logs/*.log

STATICCHECK := honnef.co/go/tools/cmd/staticcheck@v0.8.2

.PHONY: lint
lint: assets ## gofmt, go vet and staticcheck
	@test -z "$$(gofmt -l $$(git ls-files '*.go'))" || { gofmt -l $$(git ls-files '*.go'); echo "gofmt needed"; exit 1; }
	$(GO) vet -tags $(TAGS) ./...
	$(GO) run $(STATICCHECK) -tags $(TAGS) ./...

.PHONY: test
test: test-deps lint ## run every test: unit, SQLite, Redis, nginx stack and headless-Chromium journeys, then fuzz-short
	$(GO) test -tags $(TAGS) -count=1 -timeout 30m ./...
	@$(MAKE) --no-print-directory fuzz-short

FUZZTIME ?= 1m

.PHONY: fuzz-short
fuzz-short: assets ## run every fuzz target for 2s each, one worker (part of make test, about a minute)
	@GOFLAGS="-tags=$(TAGS)" FUZZMINIMIZETIME=1s scripts/fuzz.sh 2s

.PHONY: fuzz
fuzz: assets ## run every fuzz target for FUZZTIME each (default 1m; FUZZ=FuzzName picks targets)
	@GOFLAGS="-tags=$(TAGS)" scripts/fuzz.sh $(FUZZTIME) $(or $(FUZZ),.)

.PHONY: build-load
build-load: build ## build the load tool into bin/
	$(GO) build -tags $(TAGS) -o $(BIN)/ ./loadtool/cmd/murmur-load

.PHONY: bench
bench: deps build-load ## the standard load scenario (10k users, 1M tweets, 10k sockets): table in .murmur/bench/results.md
	$(BIN)/murmur-load -bin $(BIN) -dir $(RUN_DIR)/bench -profile $(RUN_DIR)/bench-profiles

.PHONY: bench-go
bench-go: assets ## run the Go benchmarks of the hot paths
	$(GO) test -tags $(TAGS) -run '^$$' -bench . -benchmem ./...

.PHONY: configs
configs: ## write docker-compose.yml and docker/prometheus.yml from the list of services (services/services.json)
	$(GO) run ./services/cmd/configs

.PHONY: fmt
fmt: ## format the Go code
	gofmt -w $$(git ls-files '*.go')

.PHONY: clean
clean: stop ## remove builds and local run data
	rm -rf $(BIN) $(RUN_DIR)
