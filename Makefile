# The two commands a new user needs: `make demo` and `make test`. Everything else is for developers.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed-stamp

.PHONY: install demo test check test-sqlite test-postgres browser-deps lint messages bench-import bench-list bench-selection bench-training bench-portal bench-payroll clean

$(STAMP): pyproject.toml
	@test -x $(BIN)/python || $(PY) -m venv $(VENV)
	$(BIN)/python -m pip install --quiet --upgrade pip
	$(BIN)/python -m pip install --quiet -e '.[dev]'
	@touch $(STAMP)

install: $(STAMP)

demo: install
	$(BIN)/lingtouyang demo

test: install
	bash scripts/test.sh

# Lint, the security linter against its reviewed baseline, dependency audit (also run by `make test`).
check: install
	bash scripts/check.sh

browser-deps:
	bash scripts/browser-deps.sh

lint: install
	$(BIN)/ruff check .

messages: install
	cd lingtouyang && ../$(BIN)/lingtouyang makemessages -l zh_Hans --no-obsolete --ignore '*/static/vendor/*' && ../$(BIN)/lingtouyang compilemessages -l zh_Hans

bench-import: install
	$(BIN)/python bench/bench_import.py

bench-list: install
	$(BIN)/python bench/bench_list.py

bench-selection: install
	$(BIN)/python bench/bench_selection.py

bench-training: install
	$(BIN)/python bench/bench_training.py

bench-payroll: install
	$(BIN)/python bench/bench_payroll.py

bench-portal: install
	bash scripts/portal-bench-deps.sh
	$(BIN)/python bench/bench_portal.py

clean:
	rm -rf $(VENV) var .pytest_cache
