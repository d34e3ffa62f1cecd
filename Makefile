# The two commands: `make run` and `make test`. See README.md.
VENV    := .venv
BIN     := $(VENV)/bin
FLASK   := $(BIN)/flask --app app
PORT    ?= 5000
MO      := translations/id/LC_MESSAGES/messages.mo

.PHONY: run test lint bench messages clean

run: $(VENV)/.run-installed $(MO)
	$(FLASK) db upgrade
	$(FLASK) seed-demo --if-empty
	@echo "Bimtek is serving on http://127.0.0.1:$(PORT), with a task consumer for PDF batches"
	$(BIN)/huey_consumer bimtek.worker.huey -k thread -w 2 & trap "kill $$!" EXIT INT TERM; \
	  $(BIN)/gunicorn --bind 127.0.0.1:$(PORT) --threads 8 --access-logfile - app:app

test: $(VENV)/.test-installed $(MO)
	scripts/system-deps.sh test
	$(BIN)/ruff check .
	scripts/run-tests.sh

lint: $(VENV)/.test-installed
	$(BIN)/ruff check .

bench: $(VENV)/.test-installed $(MO)
	@for script in benchmarks/[!_]*.py; do [ -e "$$script" ] && $(BIN)/python "$$script"; done; true

$(VENV)/.run-installed: requirements.txt
	scripts/system-deps.sh run
	python3 -m venv $(VENV)
	$(BIN)/pip install -q --upgrade pip
	$(BIN)/pip install -q -r requirements.txt
	touch $@

$(VENV)/.test-installed: requirements-dev.txt $(VENV)/.run-installed
	$(BIN)/pip install -q -r requirements-dev.txt
	touch $@

$(MO): translations/id/LC_MESSAGES/messages.po $(VENV)/.run-installed
	$(BIN)/pybabel compile -d translations

# Refresh the catalogue after changing user-facing text, then translate the new entries.
messages: $(VENV)/.run-installed
	$(BIN)/pybabel extract --ignore-dirs='.*' -F babel.cfg -k _l -k _ln:1,2 --no-location \
	  --sort-output --project Bimtek -o translations/messages.pot .
	$(BIN)/pybabel update --ignore-obsolete -w 100 -i translations/messages.pot -d translations

clean:
	rm -rf $(VENV) $(MO)
