# Orion: `make run` starts everything locally, `make test` runs what CI runs.
SHELL := /bin/bash
.DEFAULT_GOAL := help

UV_VERSION := 0.13.8
CDK_CLI_VERSION := 2.1148.0
export PYTHONPATH := shared:.
export PYTHONDONTWRITEBYTECODE := 1
export JSII_SILENCE_WARNING_END_OF_LIFE_NODE_VERSION := 20
export npm_config_loglevel := error
# uv on PATH, else where `pip install --user` put it (~/.local/bin on Linux), which PATH may lack.
UV := $(shell command -v uv 2>/dev/null || echo "$$(python3 -c 'import site; print(site.getuserbase())' 2>/dev/null || echo $$HOME/.local)/bin/uv")
RUN := $(UV) run --frozen --no-sync

.PHONY: help uv venv run test lint typecheck unit integration infra-test e2e test-deep test-wordpress wordpress bench synth bootstrap diff deploy destroy admin fuzz clean browser

help:
	@echo "make run    start the local cloud with demo data on http://localhost:8000"
	@echo "make test   lint, type-check and run every test suite (what CI runs)"
	@echo "make lint | typecheck | unit | integration | infra-test | e2e | test-deep | test-wordpress | bench | synth | fuzz"
	@echo "make bootstrap | diff | deploy | destroy [ENV=dev|prod]   the AWS side (docs/operations.md)"
	@echo "make admin ENV=dev|prod|local PLATFORM=oms EMAIL=a@b.c   a platform admin, sign-in link by e-mail"

uv:
	@command -v uv >/dev/null 2>&1 || test -x "$(UV)" || python3 -m pip install --quiet --user "uv==$(UV_VERSION)"

venv: uv
	@$(UV) sync --frozen --quiet

# Debian's Chromium for the browser tests (idempotent; skipped when already installed).
browser:
	@command -v chromium >/dev/null 2>&1 || { \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends chromium fonts-dejavu-core >/dev/null; }

# Debian's WordPress, MariaDB and PHP for the real-WordPress suite (idempotent; skipped when present). The
# packages' services are not used: the suite starts its own WordPress and database, and stops them.
WORDPRESS_PACKAGES := wordpress mariadb-server php-cli php-mysql
wordpress:
	@if ! command -v php >/dev/null 2>&1 || ! command -v mariadbd >/dev/null 2>&1 \
	    || ! test -f /usr/share/wordpress/wp-settings.php || ! php -m 2>/dev/null | grep -qx mysqli; then \
	  if [ "$$(id -u)" = 0 ]; then SUDO=""; else SUDO="sudo"; fi; \
	  $$SUDO apt-get update -qq && $$SUDO env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq \
	    --no-install-recommends $(WORDPRESS_PACKAGES) >/dev/null; fi

run: venv
	@$(RUN) python -m infra.local

lint: venv
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .

typecheck: venv
	@$(RUN) mypy shared/orion functions infra layers tests

unit: venv
	@$(RUN) pytest -q tests/unit

integration: venv
	@$(RUN) pytest -q tests/integration

infra-test: venv
	@$(RUN) pytest -q tests/infra

e2e: venv browser
	@$(RUN) pytest -q tests/e2e

# Every benchmark, or those BENCH names (e.g. `make bench BENCH=lighthouse`).
BENCH ?=
bench: venv browser
	@$(RUN) python -m tests.bench $(BENCH)

# Offline-safe: the real arm64 dependency layer when wheels are reachable (uv cache or index), else a stub.
synth: venv
	@time ORION_LAYER_FALLBACK=stub $(RUN) python -m infra.app

# The AWS side (needs credentials): ENV=dev|prod picks the environment from cdk.json. The CLI runs
# cdk.json's "app" (the venv's own Python, so uv need not be on PATH); the layer build finds uv through
# UV, exported here, whatever PATH holds.
ENV ?= dev
CDK_ARGS ?=
CDK := UV="$(UV)" npx --yes aws-cdk@$(CDK_CLI_VERSION)

bootstrap: venv
	@$(CDK) bootstrap -c env=$(ENV) $(CDK_ARGS)

diff: venv
	@$(CDK) diff --all -c env=$(ENV) $(CDK_ARGS)

deploy: venv
	@$(CDK) deploy --all -c env=$(ENV) --require-approval broadening $(CDK_ARGS)

# A platform admin of a declared platform and a one-time sign-in link by e-mail (never a password on a
# command line); ENV=local talks to the local cloud `make run` started.
admin: venv
	@test -n "$(PLATFORM)" -a -n "$(EMAIL)" || { echo "usage: make admin ENV=dev|prod|local PLATFORM=<code> EMAIL=<address>" >&2; exit 2; }
	@$(RUN) python -m infra.admin --env "$(ENV)" --platform "$(PLATFORM)" --email "$(EMAIL)"

# Deletes every stack of ENV. prod, and any environment that keeps its data (retainData), is refused
# unless FORCE=yes; even then its table, buckets and keys stay (RemovalPolicy.RETAIN) for an operator.
destroy: venv
	@.venv/bin/python -m infra.config protected $(ENV); protected=$$?; \
	if [ $$protected -ne 1 ] && [ "$(FORCE)" != yes ]; then \
	  echo "refusing to destroy $(ENV): prod or it keeps its data (retainData); add FORCE=yes if you mean it" >&2; \
	  exit 2; fi
	@$(CDK) destroy --all -c env=$(ENV) $(CDK_ARGS)


fuzz: venv
	@ORION_FUZZ_DEPTH=deep $(RUN) pytest -q tests/e2e -m fuzz

test: venv browser
	@$(RUN) ruff check .
	@$(RUN) ruff format --check .
	@$(RUN) mypy shared/orion functions infra layers tests
	@$(RUN) pytest -q -n auto --durations=15 -m "not slow and not wordpress" tests

# The deeper suites make test leaves out (`slow`: e.g. the real arm64 dependency layer); CI runs them too.
test-deep: venv browser
	@$(RUN) pytest -q -n auto -m slow tests
	@ORION_FUZZ_CASES=100 $(RUN) pytest -q tests/e2e -m fuzz

# Publishing to a real WordPress (tests/wordpress, marker `wordpress`): its own target, as it installs
# Debian packages and starts a database; CI runs it after test-deep.
test-wordpress: venv wordpress
	@ORION_TEST_WORDPRESS=required $(RUN) pytest -q --durations=10 -m wordpress tests/wordpress

clean:
	rm -rf cdk.out .mypy_cache .ruff_cache test-artifacts
