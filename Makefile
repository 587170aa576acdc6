# eks-audit-bot: `make demo` and `make test` work on a fresh clone; everything else is a helper.
SHELL := /bin/bash
.SHELLFLAGS := -eu -o pipefail -c
.DEFAULT_GOAL := help

VENV := .venv
BIN := $(VENV)/bin
# The Lambda runs python3.13: prefer it, fall back to 3.12 (pyenv installs or plain PATH).
# Only python3.13 builds the zip (its bytecode is the runtime's); `zip-check` under 3.12
# compares the sources and data files and says that it could not check the bytecode.
PYTHON ?= $(shell for v in 3.13 3.12; do \
	  p=$$(pyenv prefix $$v 2>/dev/null)/bin/python$$v; [ -x "$$p" ] && { echo "$$p"; exit; }; \
	  command -v python$$v >/dev/null 2>&1 && python$$v -V >/dev/null 2>&1 && { echo python$$v; exit; }; \
	done; echo python3)

# Use a local filesystem mirror of the hashicorp/aws provider when the machine has one
# (offline runners); elsewhere Terraform falls back to the registry as usual.
TF_MIRROR ?= /opt/tf-plugins
TF_RC := $(CURDIR)/build/terraform.tfrc
ifneq ($(wildcard $(TF_MIRROR)/registry.terraform.io),)
export TF_CLI_CONFIG_FILE := $(TF_RC)
endif
export TF_IN_AUTOMATION := 1
export CHECKPOINT_DISABLE := 1

TF_DIRS := . examples/terragrunt examples/complete examples/pagerduty examples/organization
# Modules with `terraform test` suites (mock_provider) under their tests/; `terraform test`
# validates them too (and examples/organization validates them as used).
TF_TEST_DIRS := . modules/central modules/member modules/destination

.PHONY: help demo test venv tf-config lint typecheck pytest example-apply readme zip zip-check tf-fmt tf-validate tf-test checkov pattern ip-ranges clean

help: ## List the targets
	@grep -hE '^[a-z-]+:.*## ' $(MAKEFILE_LIST) | awk -F':.*## ' '{printf "  %-12s %s\n", $$1, $$2}'

# Two install stamps: `make demo` installs only what the demo needs (the package, moto, rich),
# `make test` the whole development toolchain, which includes the demo's.
DEV_STAMP := $(VENV)/.installed-dev
DEMO_STAMP := $(VENV)/.installed-demo

$(BIN)/python:
	@echo "==> Creating $(VENV) with $$($(PYTHON) -V)"
	@$(PYTHON) -m venv $(VENV)

$(DEV_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing eks-audit-bot and the development tools into $(VENV)"
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $@ $(DEMO_STAMP)

$(DEMO_STAMP): pyproject.toml | $(BIN)/python
	@echo "==> Installing eks-audit-bot with only what the demo needs (boto3, Powertools, moto, rich)"
	@$(BIN)/python -m pip install --quiet --quiet -e '.[demo]'
	@touch $@

venv: $(DEV_STAMP)

$(TF_RC):
	@mkdir -p $(dir $@)
	@printf 'provider_installation {\n  filesystem_mirror {\n    path    = "%s"\n    include = ["registry.terraform.io/hashicorp/*"]\n  }\n  direct {\n    exclude = ["registry.terraform.io/hashicorp/*"]\n  }\n}\n' "$(TF_MIRROR)" > $@

tf-config: $(if $(wildcard $(TF_MIRROR)/registry.terraform.io),$(TF_RC))

demo: $(DEMO_STAMP) ## Sample EKS audit events through the real handler into a local (moto) SNS topic
	@echo "==> Running 8 sample EKS audit events through the Lambda handler into a local SNS topic"
	@echo "    (moto, in-process: no AWS account, no network)"
	@echo
	@$(BIN)/python -m eks_audit_bot.cli.demo $(DEMO_ARGS)

# The checks run side by side (CI has 2 cores); each line they print appears as it comes,
# prefixed with its check (`[pytest] ...`), and each check reports its time when it is done.
CHECKS := pytest tf-test checkov lint typecheck zip-check

test: venv tf-config ## Everything CI runs, side by side, each line prefixed with its check
	@start=$$(date +%s); \
	$(MAKE) --no-print-directory -j3 $(addprefix check-,$(CHECKS)); \
	echo "make test: all checks passed in $$(( $$(date +%s) - start )) s"

check-%:
	@start=$$(date +%s); \
	PYTHONUNBUFFERED=1 $(MAKE) --no-print-directory $* 2>&1 | sed -u 's/^/[$*] /' \
	  || { echo "[$*] FAILED after $$(( $$(date +%s) - start )) s"; exit 1; }; \
	echo "[$*] done in $$(( $$(date +%s) - start )) s"

lint: venv ## ruff lint and format check
	$(BIN)/ruff check lambda tests benchmarks scripts
	$(BIN)/ruff format --check lambda tests benchmarks scripts

typecheck: venv ## mypy --strict on the package
	$(BIN)/mypy

# Three workers, one test file each at a time: the terraform applies against moto_server
# mostly wait, so they overlap with the rest.
pytest: venv tf-config ## Python tests, including moto end-to-end and the terraform apply against moto_server
	$(BIN)/pytest -n 3 --dist loadfile -o console_output_style=count

EXAMPLE ?= complete
example-apply: venv tf-config ## Apply examples/$(EXAMPLE) (complete, pagerduty) on a local moto_server, show its outputs, destroy it
	$(BIN)/python scripts/moto_apply.py $(EXAMPLE) $(EXAMPLE_ARGS)

readme: venv ## Regenerate README.md's generated parts: rule table, example alert, inputs/outputs
	$(BIN)/python scripts/readme_sections.py --write
	$(BIN)/python scripts/tfdocs.py --write

zip: ## Rebuild the committed function zip (python3.13: it carries the runtime's bytecode)
	$(PYTHON) lambda/build.py

zip-check: ## Fail when the committed function zip differs from a fresh build
	$(PYTHON) lambda/build.py --check

tf-fmt: tf-config ## terraform fmt -check over the module, examples and tests
	terraform fmt -check -recursive -diff

tf-validate: tf-config tf-fmt ## terraform init + validate for the module and each example
	@for d in $(TF_DIRS); do \
	  echo "terraform validate: $$d"; \
	  terraform -chdir=$$d init -backend=false -input=false -no-color >/dev/null; \
	  terraform -chdir=$$d validate -no-color; \
	done

tf-test: tf-config tf-validate ## terraform test (mock_provider runs under tests/ of the module, examples included, and of each sub-module)
	@for d in $(TF_TEST_DIRS); do \
	  echo "terraform test: $$d"; \
	  terraform -chdir=$$d init -backend=false -input=false -no-color >/dev/null; \
	  terraform -chdir=$$d test -no-color; \
	done

# checkov pins boto3 and packaging below what the dev tools need (pytest wants packaging >= 24),
# so it gets a virtualenv of its own from the `checkov` dependency group in pyproject.toml.
CHECKOV_VENV := .venv-checkov

$(CHECKOV_VENV)/bin/checkov: pyproject.toml
	$(PYTHON) -m venv $(CHECKOV_VENV)
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --upgrade pip
	$(CHECKOV_VENV)/bin/python -m pip install --quiet --group checkov
	@touch $@

checkov: $(CHECKOV_VENV)/bin/checkov ## checkov over the module and examples; findings are fixed or skipped inline with the reason
	$(CHECKOV_VENV)/bin/checkov --directory . --framework terraform --skip-path tests \
	  --skip-download --quiet --compact

pattern: tf-config ## Regenerate the default filter pattern file from Terraform itself
	$(BIN)/python -m tests.terraform_pattern --write

ip-ranges: venv ## Refresh kube/aws_ip_ranges.json from AWS's ip-ranges.json (needs the internet), then `make zip`
	$(BIN)/python scripts/aws_ip_ranges.py

clean: ## Remove the virtualenv and build leftovers
	rm -rf $(VENV) $(CHECKOV_VENV) build .pytest_cache .mypy_cache .ruff_cache
	find . -name .terraform -type d -prune -exec rm -rf {} +
