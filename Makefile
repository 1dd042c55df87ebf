# channel.partner: the commands of the README.
#   make demo   set up, start the emulator, run playbooks/demo.yml in check mode, for real, and again
#   make test   sanity + lint + ansible-test's targets + the release checks + the installed demo + the version
#               matrix + all pytest layers (what CI runs)
# Everything runs from a virtualenv built here from requirements/test.txt.

PYTHON ?= python3.11
VENV := .venv
BIN := $(CURDIR)/$(VENV)/bin
# Outside the repository: inside it, ansible-test would ask this repository's git
# for the file list and find the copy ignored.
TREE_ROOT := $(or $(TMPDIR),/tmp)/channel-partner-$(shell printf %s '$(CURDIR)' | sha1sum | cut -c1-12)
TREE := $(TREE_ROOT)/ansible_collections/channel/partner
PYTEST_ARGS ?=
# Two cores: two pytest workers halve the playbook-heavy layers.
PYTEST_WORKERS ?= 2

.PHONY: all venv tree demo test sanity lint units integration pytest targets ansible-test-units release-check installed-demo matrix \
	bench contract clean

all: test

venv: $(VENV)/.installed

$(VENV)/.installed: requirements/test.txt
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install --disable-pip-version-check --quiet -r requirements/test.txt
	touch $@

# galaxy-importer and the antsibull tools pin their own dependencies, so they live in a virtualenv of their own.
RELEASE_VENV := .venv-release
$(RELEASE_VENV)/.installed: requirements/release.txt
	$(PYTHON) -m venv $(RELEASE_VENV)
	$(RELEASE_VENV)/bin/python -m pip install --disable-pip-version-check --quiet -r requirements/release.txt
	touch $@

# ansible-test wants the collection at ansible_collections/<namespace>/<name> and
# refuses symlinks, so sanity runs on a copy of the files git knows about.
tree: venv
	rm -rf $(TREE_ROOT)
	mkdir -p $(TREE)
	git ls-files -co --exclude-standard -z | xargs -0 -I{} sh -c 'test -e "{}" && printf "%s\0" "{}"' | tar --null -cf - -T - | tar -xf - -C $(TREE)

sanity: tree
	$(BIN)/python tests/tools/seed_ansible_test_pip.py
	cd $(TREE) && $(BIN)/ansible-test sanity --venv --python 3.11 --color no

# The whole collection, as Galaxy and Automation Hub lint it (galaxy.yml, meta/, playbooks, roles, changelogs).
lint: tree
	cd $(TREE) && PATH=$(BIN):$$PATH ANSIBLE_COLLECTIONS_PATH=$(TREE_ROOT) ansible-lint --offline --profile production

units: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/unit $(PYTEST_ARGS)

integration: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/integration $(PYTEST_ARGS)

pytest: venv
	$(BIN)/python -m pytest -n $(PYTEST_WORKERS) tests/unit tests/integration $(PYTEST_ARGS)

# ansible-test's own runners: the integration targets (tests/integration/targets, each starting the emulator), and the
# unit tests as `ansible-test units` runs them (the same tests pytest runs above, in about twice the time).
targets: tree
	$(BIN)/python tests/tools/seed_ansible_test_pip.py
	cd $(TREE) && $(BIN)/ansible-test integration --venv --python 3.11 --color no

ansible-test-units: tree
	$(BIN)/python tests/tools/seed_ansible_test_pip.py
	cd $(TREE) && $(BIN)/ansible-test units --venv --python 3.11 --color no

# The tarball as Galaxy and Automation Hub import it (galaxy-importer), the docsite's lint (antsibull-docs), the
# changelog's lint and a scratch release of it (antsibull-changelog). See tests/tools/release_check.py.
release-check: tree $(RELEASE_VENV)/.installed
	$(BIN)/python tests/tools/release_check.py --tree $(TREE) --tools $(CURDIR)/$(RELEASE_VENV)/bin --tarball-dir $(TREE_ROOT)/build

# The demo from the built tarball installed into a fresh, read-only path: how a user runs the collection.
installed-demo: tree
	$(BIN)/python tests/tools/installed_demo.py --source $(TREE)

# Sanity and the installed demo (the tour) on the oldest and the newest ansible-core claimed, each in its own virtualenv.
matrix: tree
	$(BIN)/python tests/tools/matrix.py --tree $(TREE)

test: sanity lint targets release-check installed-demo matrix pytest

demo: venv
	$(BIN)/python tests/tools/with_emulator.py --demo

# The contract check on your own accounts (credentials from MYENGINE_* and MAILUP_*); read-only unless
# CONTRACT_VARS says contract_round_trip=true. See playbooks/contract.yml.
CONTRACT_VARS ?=
contract: tree
	ANSIBLE_COLLECTIONS_PATH=$(TREE_ROOT) $(BIN)/ansible-playbook playbooks/contract.yml $(if $(CONTRACT_VARS),-e '$(CONTRACT_VARS)')

# Requests per task, time per task against ansible.builtin.uri, and the 1,000-service regrade (docs/docsite/rst/performance.rst).
bench: venv
	$(BIN)/python tests/bench/bench.py

clean:
	rm -rf $(VENV) $(RELEASE_VENV) .venv-matrix $(TREE_ROOT) $(TREE_ROOT)-matrix-* .pytest_cache .hypothesis tests/output
