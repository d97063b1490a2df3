# vanban — `make install`, `make test`, `make demo`. Idempotent; works as root (CI) and as a user with sudo.
SHELL := /bin/bash
PYTHON ?= python3
VENV := .venv
BIN := $(VENV)/bin
# Debian packages the project needs at run time and in its tests.
APT_PACKAGES := tesseract-ocr tesseract-ocr-vie tesseract-ocr-eng chromium
# Times-metric serif fonts with every Vietnamese glyph (corpus/scangen.py renders test scans with them);
# OCRmyPDF and unpaper for the OCR benchmark's comparison.
APT_PACKAGES += fonts-liberation2 fonts-croscore ocrmypdf unpaper
# More fonts with every Vietnamese glyph (with Liberation 2), to render the restorer's synthetic OCR
# (make train-restore, bench/restore.py).
APT_PACKAGES += fonts-dejavu-core fonts-freefont-ttf fonts-noto-core
# A handwriting font the digit classifier never saw in training: the scan generator writes the tests' handwritten
# numbers and days in it.
APT_PACKAGES += fonts-humor-sans
# GNU time: bench/scale.py reads each command's peak memory from `/usr/bin/time -v`.
APT_PACKAGES += time
# `vanban pdf`: Ghostscript makes the PDF/A (through OCRmyPDF, the Python package in pyproject.toml); the tests
# read the searchable PDFs back with poppler's pdftotext.
APT_PACKAGES += ghostscript poppler-utils
# Handwriting fonts the digit classifier is trained on (make train-digits only).
TRAIN_FONTS := fonts-bwht fonts-breip fonts-dkg-handwriting fonts-comic-neue fonts-dancingscript fonts-kristi \
	fonts-rufscript fonts-kaushanscript fonts-klee fonts-kiloji fonts-tlwg-purisa-ttf fonts-lobster fonts-leckerli-one
SUDO := $(shell [ "$$(id -u)" = 0 ] || echo sudo)

.PHONY: install system-deps test fuzz demo bench bench-scale clean train-restore train-digits

install: system-deps $(VENV)/.installed

system-deps:
	@missing=""; \
	for p in $(APT_PACKAGES); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" || missing="$$missing $$p"; done; \
	$(PYTHON) -c 'import ensurepip, venv' 2>/dev/null || missing="$$missing python3-venv"; \
	if [ -n "$$missing" ]; then \
	  echo "Installing Debian packages:$$missing"; \
	  $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; \
	fi

$(VENV)/.installed: pyproject.toml
	@$(PYTHON) -c 'import sys; sys.exit(0 if sys.version_info >= (3, 11) else "vanban needs Python >= 3.11")'
	$(PYTHON) -m venv $(VENV)
	$(BIN)/python -m pip install -q --upgrade pip
	$(BIN)/python -m pip install -q -e '.[dev]'
	@touch $@

test: install
	$(BIN)/python -m pytest

# The property-based fuzz tests with a long budget (make test runs them with a bounded one).
fuzz: install
	HYPOTHESIS_PROFILE=fuzz $(BIN)/python -m pytest tests/test_fuzz.py tests/test_linkage.py -p no:cacheprovider

demo: install
	$(BIN)/vanban extract corpus/819-SKHCN.txt
	$(BIN)/vanban run corpus --out outputs
	@echo
	@echo "The citation graph: outputs/graph.html (open it in a browser; works offline)"
	@echo "  also outputs/graph.gexf (Gephi), graph.graphml, graph.json (Cytoscape.js), vanban.xlsx, *.csv"
	@echo "  or browse the archive: $(BIN)/vanban serve --db outputs   (then open http://127.0.0.1:8765/)"
	@echo
	@echo '$$ vanban query "what cites Plan 58" --db outputs'
	@$(BIN)/vanban query "what cites Plan 58" --db outputs

bench: install
	$(BIN)/python bench/real.py
	$(BIN)/python bench/refs.py
	$(BIN)/python bench/ocr.py
	$(BIN)/python bench/restore.py
	$(BIN)/python bench/query.py
	$(BIN)/python bench/pages.py

# The scale benchmark (30-60 minutes on 2 cores): 1,000 and 10,000 letters through `vanban run`, 1,000 to 100,000
# generated documents; tables printed, raw figures in bench/results/scale.json.
bench-scale: install
	$(BIN)/python bench/scale.py

# Retrain the diacritic restorer (language model + OCR channel) into nlp/restore/model/ from the corpus in
# /work/shared/data/vi-text (or VANBAN_VI_TEXT); 4-7 minutes on 2 cores.
train-restore: install
	$(BIN)/python -m nlp.restore.train

# Retrain the handwritten-digit classifier into ocr/data/digits.npz (Debian's handwriting fonts + scikit-learn's
# digits; about 5 minutes on 2 cores).
train-digits: install
	@missing=""; for p in $(TRAIN_FONTS); do dpkg-query -W -f='$${Status}' $$p 2>/dev/null | grep -q "ok installed" \
	  || missing="$$missing $$p"; done; \
	if [ -n "$$missing" ]; then $(SUDO) apt-get update -qq && \
	  $(SUDO) env DEBIAN_FRONTEND=noninteractive apt-get install -y -qq --no-install-recommends $$missing; fi
	$(BIN)/python -m pip install -q -e '.[train]'
	$(BIN)/python -m ocr.digits_train

clean:
	rm -rf $(VENV) outputs/*.sqlite outputs/*.csv outputs/*.json outputs/*.html outputs/*.gexf outputs/*.graphml
