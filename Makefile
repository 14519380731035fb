# kollaprep.registry: every entry point of the project.
SHELL := /bin/bash
.ONESHELL:
.SHELLFLAGS := -eu -o pipefail -c

ROOT        := $(CURDIR)
VENV        := $(ROOT)/.venv
PY          := $(VENV)/bin/python
PYTHON      ?= python3
COLLECTIONS := $(ROOT)/.cache/collections
COLL_LINK   := $(COLLECTIONS)/ansible_collections/kollaprep/registry
export PATH := $(VENV)/bin:$(PATH)
export PYTHONPATH := $(COLLECTIONS):$(ROOT)
export ANSIBLE_COLLECTIONS_PATH := $(COLLECTIONS)
export ANSIBLE_ROLES_PATH := $(ROOT)/roles
export ANSIBLE_CONFIG := $(ROOT)/ansible.cfg
export MOLECULE_GLOB := molecule/*/molecule.yml
# The registry binary (s3 driver) panics at start when AWS_CA_BUNDLE is set (UNWANTED_ENV, tests/testbed/__init__.py).
unexport AWS_CA_BUNDLE

MOLECULE_SCENARIOS ?= $(notdir $(patsubst %/molecule.yml,%,$(wildcard molecule/*/molecule.yml)))

# One run of `make molecule` = one run suffix, appended to every test host, network and upstream registry name of the
# scenarios (molecule.yml: ${KP_RUN_SUFFIX}), so two runs at once on one machine do not meet. The owner (make's pid and
# its start time, the format of tests/testbed's owner label) lets a later run remove this one's leftovers once make is
# gone, and never before. Both can be given from outside (KP_RUN_SUFFIX=-x make molecule).
ifndef KP_RUN_SUFFIX
KP_RUN_SUFFIX := -$(shell echo $$PPID)-$(shell od -An -N3 -tx1 /dev/urandom | tr -d ' \n')
endif
ifndef KP_RUN_OWNER
_RPAREN := )
KP_RUN_OWNER := $(shell echo "$$PPID:$$(cut -d'$(_RPAREN)' -f2- /proc/$$PPID/stat | cut -d' ' -f21)")
endif
MOLECULE_RUN_DIR ?= $(ROOT)/.cache/molecule-runs/run$(KP_RUN_SUFFIX)

.PHONY: help venv collection-link testbed lint yamllint ansible-lint ruff sanity unit integration molecule test demo bench build clean

help:
	@echo "make demo   - bring up the lab and run the whole flow"
	@echo "make test   - every gate: lint, sanity, unit, integration, molecule"
	@echo "make lint   - yamllint, ansible-lint, ruff"
	@echo "make bench  - benchmarks (prints ratios against the peers)"

$(VENV)/.stamp: requirements.txt
	$(PYTHON) -m venv $(VENV)
	$(VENV)/bin/pip install --quiet --upgrade pip
	$(VENV)/bin/pip install --quiet -r requirements.txt
	touch $@

venv: $(VENV)/.stamp

collection-link:
	mkdir -p $(dir $(COLL_LINK))
	[ -L $(COLL_LINK) ] || ln -sfn $(ROOT) $(COLL_LINK)

testbed: venv collection-link
	$(PY) -m tests.testbed up

yamllint: venv
	yamllint -s .

ansible-lint: venv collection-link
	ansible-lint

ruff: venv
	ruff check .
	ruff format --check .

lint: yamllint ansible-lint ruff

sanity: venv collection-link
	bash tests/sanity.sh

unit: venv collection-link
	$(PY) -m pytest -q tests/unit

integration: testbed
	$(PY) -m pytest -q --durations=15 tests/integration

molecule: testbed
	export KP_RUN_SUFFIX='$(KP_RUN_SUFFIX)' KP_RUN_OWNER='$(KP_RUN_OWNER)'
	trap 'rm -rf "$(MOLECULE_RUN_DIR)"' EXIT
	for s in $(MOLECULE_SCENARIOS); do
	  echo "== molecule test -s $$s (run suffix $$KP_RUN_SUFFIX)"
	  start=$$SECONDS
	  MOLECULE_EPHEMERAL_DIRECTORY="$(MOLECULE_RUN_DIR)/$$s" molecule test -s $$s
	  echo "== molecule $$s passed in $$((SECONDS - start)) s"
	done

build: venv
	ansible-galaxy collection build --force --output-path $(ROOT)/.cache/dist

test: lint sanity build unit integration molecule
	@echo "make test: all gates passed"

demo: testbed
	$(PY) -m tests.testbed demo

bench: testbed
	$(PY) bench/run.py $(BENCH_ARGS)

clean:
	$(PY) -m tests.testbed down || true
	rm -rf .cache
