# The two commands: `make run` and `make test`. See README.md.
VENV    := .venv
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app app
PORT    ?= 5000
MO      := translations/id/LC_MESSAGES/messages.mo
# requirements*.txt are generated from requirements*.in by `make lock`, with every package
# pinned and hashed.
LOCK    := $(BIN)/uv pip compile --quiet --generate-hashes --python-version 3.11 \
           --custom-compile-command "make lock"

.PHONY: run install test lint bench messages lock clean

run: install
	$(FLASK) db upgrade
	@if [ "$${BIMTEK_ENV:-}" = production ]; then \
	  echo "BIMTEK_ENV=production: the demo is not loaded."; \
	else $(FLASK) seed-demo --if-empty; fi
	@echo "Bimtek is serving on http://127.0.0.1:$(PORT), with a task consumer for PDF batches"
	$(BIN)/huey_consumer bimtek.worker.huey -k thread -w 2 & trap "kill $$!" EXIT INT TERM; \
	  $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --threads 8 --access-logfile - app:app

# What a server needs, and nothing else: the runtime packages and the compiled catalogue.
install: $(VENV)/.run-installed $(MO)

test: $(VENV)/.test-installed $(MO)
	scripts/system-deps.sh test
	$(BIN)/ruff check .
	$(BIN)/lint-imports
	scripts/run-tests.sh

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .
	$(BIN)/lint-imports

bench: $(VENV)/.test-installed $(MO)
	@for script in benchmarks/[!_]*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

$(VENV)/.run-installed: requirements.txt
	scripts/system-deps.sh run
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q --require-hashes -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-dev.txt $(VENV)/.run-installed
	$(BIN)/pip install -q --require-hashes -r requirements.txt -r requirements-dev.txt
	touch $@

$(MO): translations/id/LC_MESSAGES/messages.po $(VENV)/.run-installed
	$(BIN)/pybabel compile -d translations

# Refresh the catalogue after changing user-facing text, then translate the new entries.
messages: $(VENV)/.run-installed
	$(BIN)/pybabel extract --ignore-dirs='.*' -F babel.cfg -k _l -k _ln:1,2 --no-location \
	  --sort-output --project Bimtek -o translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -w 100 -i translations/messages.pot -d translations

# Pin requirements*.txt again after editing requirements*.in; `make lock UPGRADE=pkg`
# moves one package (and only what it needs) to its newest release.
lock: $(VENV)/.test-installed
	$(LOCK) $(if $(UPGRADE),--upgrade-package $(UPGRADE)) requirements.in -o requirements.txt
	$(LOCK) $(if $(UPGRADE),--upgrade-package $(UPGRADE)) requirements-dev.in -o requirements-dev.txt

clean:
	rm -rf $(VENV) $(MO)
