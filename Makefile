# Every target sets itself up from a bare machine with python3: the venv is made on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint system bench bench-scan bench-estate bench-memory bench-startup fuzz clean golden realworld mutation

# setup.py builds the compiled capture reader; its C source changes reinstall it
$(STAMP): pyproject.toml setup.py scanner/sources/_fastpath.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/camscan pcap pcaps/demo/store-lan.pcapng -o demo-report.json

# What CI runs (.ci/run): system set-up first (it may install the C compiler the venv build
# uses), then lint and mypy, then every test with the skip report (-ra in pyproject's addopts).
# Under CI=true a skip is a failure (tests/conftest.py).
test: system lint
	$(BIN)/python -m pytest

system:
	sh tests/setup-system.sh

lint: $(STAMP)
	$(BIN)/ruff check scanner tests bench
	$(BIN)/ruff format --check scanner tests bench
	$(BIN)/mypy

realworld: $(STAMP)
	$(BIN)/python tests/realworld/replay.py
	$(BIN)/python tests/realworld/calibrate.py

golden: $(STAMP)
	$(BIN)/python -m pytest tests/replay tests/unit/output/test_terminal_layout.py --update-golden

bench: $(STAMP)
	bash bench/install-tool.sh tshark
	$(BIN)/python bench/pcap_bench.py

bench-memory: $(STAMP)
	$(BIN)/python bench/memory_attacks.py

bench-startup: $(STAMP)
	$(BIN)/python bench/startup_bench.py

bench-scan: $(STAMP)
	bash bench/install-tool.sh nmap
	$(BIN)/python bench/scan_bench.py

bench-estate: $(STAMP)
	sh tests/setup-system.sh
	$(BIN)/python bench/estate_bench.py

# every fuzz test under an address-space limit; fuzz_tables.py is collected here only (make test
# runs it through tests/hostile/test_memory_limit.py)
fuzz: $(STAMP)
	$(BIN)/python tests/hostile/fuzz_under_limit.py tests -k fuzz \
		-o 'python_files=test_*.py *_test.py fuzz_tables.py' \
		--hypothesis-profile=long --hypothesis-show-statistics

# never part of `make test`: mutants of scanner/engine and scanner/db against the fast tests that
# execute them; fails when one of issue 11's named mutants survives
mutation: $(STAMP)
	$(BIN)/python tests/mutation/mutate.py --json mutation-report.json

clean:
	rm -rf $(VENV) build *.egg-info demo-report.json mutation-report.json scanner/sources/_fastpath.*.so
