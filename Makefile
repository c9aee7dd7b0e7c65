# Every target sets itself up from a bare machine with python3: the venv is made on first use.
PY ?= python3
VENV := .venv
BIN := $(VENV)/bin
STAMP := $(VENV)/.installed

.PHONY: demo test lint bench bench-scan bench-estate fuzz clean golden realworld

# setup.py builds the compiled capture reader; its C source changes reinstall it
$(STAMP): pyproject.toml setup.py scanner/sources/_fastpath.c
	$(PY) -m venv $(VENV)
	$(BIN)/pip install --quiet --upgrade pip
	$(BIN)/pip install --quiet -e '.[dev]'
	touch $(STAMP)

demo: $(STAMP)
	$(BIN)/camscan pcap pcaps/demo/store-lan.pcapng -o demo-report.json

test: $(STAMP)
	sh tests/setup-system.sh
	$(BIN)/python -m pytest

lint: $(STAMP)
	$(BIN)/ruff check scanner tests bench
	$(BIN)/mypy

realworld: $(STAMP)
	$(BIN)/python tests/realworld/replay.py
	$(BIN)/python tests/realworld/calibrate.py

golden: $(STAMP)
	$(BIN)/python -m pytest tests/replay tests/unit/output/test_terminal_layout.py --update-golden

bench: $(STAMP)
	bash bench/install-tool.sh tshark
	$(BIN)/python bench/pcap_bench.py

bench-scan: $(STAMP)
	bash bench/install-tool.sh nmap
	$(BIN)/python bench/scan_bench.py

bench-estate: $(STAMP)
	sh tests/setup-system.sh
	$(BIN)/python bench/estate_bench.py

fuzz: $(STAMP)
	$(BIN)/python -m pytest tests -k fuzz --hypothesis-profile=long --hypothesis-show-statistics

clean:
	rm -rf $(VENV) build *.egg-info demo-report.json scanner/sources/_fastpath.*.so
