# Thân Thiện -- build, test, run.
#   make            build/thanthien (optimised)
#   make run        install what is missing, build, create var/demo.db, serve on :8080
#   make check      -Werror + AddressSanitizer + UBSan build, then every test
#   make layers     no #include goes the wrong way between the layers (part of check)
#   make fuzz       libFuzzer targets, a short run each
#   make bench      wrk against our server beside nginx (see bench/README.md)
#   make pot        refresh po/thanthien.pot from the sources and templates

CC      ?= cc
PKGS    := libmicrohttpd jansson libsodium glib-2.0 libqrencode sqlite3 pangocairo cairo-pdf fontconfig xlsxwriter libcurl zlib libbrotlienc
PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS   := $(shell pkg-config --libs $(PKGS) 2>/dev/null) -lcsv -lpthread -lm
WARN    := -std=c17 -D_GNU_SOURCE -Wall -Wextra -Wshadow -Wstrict-prototypes -Wno-missing-field-initializers
CFLAGS_REL := -O2 -g $(WARN)
CFLAGS_CHK := -O1 -g $(WARN) -Werror -fsanitize=address,undefined -fno-sanitize-recover=undefined -fno-omit-frame-pointer
PORT    ?= 8080

# every feature folder under src/ except the command line, which holds main()
SRC := $(sort $(filter-out src/cli/%,$(wildcard src/*/*.c)))
MAIN := src/cli/main.c
TEMPLATES := $(sort $(wildcard src/*/*.html))
MIGRATIONS := $(sort $(wildcard src/store/migrations/*.sql))
CSS_VENDOR := node_modules/govuk-frontend/dist/govuk/govuk-frontend.min.css
SCRIPTS := $(sort $(wildcard src/*/*.js))
# GOV.UK Frontend's stylesheet cut to the rules our templates, C code and scripts use (served under its own name)
CSS_PAGES := build/css/govuk-frontend.min.css
STATIC := $(CSS_PAGES) $(sort $(wildcard src/kit/static/*)) $(SCRIPTS)
DEMO := data/demo/units.json data/demo/procedures.csv
CALENDAR := $(sort $(wildcard data/calendar/*.tsv))
FORMSETS := data/forms/form-sets.tsv
SURVEYDATA := data/survey/sipas.tsv data/survey/qd766.tsv
# criteria sets shipped as examples (src/assess): criteria-*.json
ASSESSDATA := $(sort $(wildcard data/assess/criteria-*.json))
REFDATA := $(CALENDAR) data/catalog/search-fillers.txt $(FORMSETS) $(SURVEYDATA) $(ASSESSDATA)
GEN := build/gen/templates.c build/gen/migrations.c build/gen/static.c build/gen/demo.c build/gen/data.c
HEADERS := $(wildcard src/*/*.h)

.PHONY: all run check check-run layers fuzz bench pot clean deps
all: build/thanthien build/locale/en/LC_MESSAGES/thanthien-en.mo

deps:
	@scripts/deps.sh

$(CSS_VENDOR):
	@scripts/deps.sh

# ---- generated tables ------------------------------------------------------------------
$(CSS_PAGES): scripts/purge-css.mjs $(CSS_VENDOR) $(TEMPLATES) $(SRC) $(SCRIPTS)
	@test -d node_modules/purgecss || scripts/deps.sh
	node scripts/purge-css.mjs $@ $(CSS_VENDOR) $(TEMPLATES) $(SRC) $(SCRIPTS)
build/embed: tools/embed.c src/core/template.c src/core/arena.c src/core/template.h
	@mkdir -p build
	$(CC) -O1 -g $(WARN) $(PKG_CFLAGS) -o $@ tools/embed.c src/core/template.c src/core/arena.c $(PKG_LIBS)
# the folders too: a template moved or removed (git mv) changes its folder, not the file
build/gen/templates.c: build/embed $(TEMPLATES) $(sort $(dir $(TEMPLATES)))
	@mkdir -p build/gen
	build/embed templates $@ $(TEMPLATES)
build/gen/migrations.c: build/embed $(MIGRATIONS)
	@mkdir -p build/gen
	build/embed migrations $@ $(MIGRATIONS)
build/gen/static.c: build/embed $(STATIC)
	@mkdir -p build/gen
	build/embed static $@ $(STATIC)
build/gen/demo.c: build/embed $(DEMO)
	@mkdir -p build/gen
	build/embed demo $@ $(DEMO)
# reference data shipped with the program (published holiday schedules, search's filler words, form sets): data_files[]
build/gen/data.c: build/embed $(REFDATA)
	@mkdir -p build/gen
	build/embed data $@ $(REFDATA)

build/locale/en/LC_MESSAGES/thanthien-en.mo: po/en.po
	@mkdir -p $(dir $@)
	msgfmt --check -o $@ $<

# ---- the two builds: rel (optimised) and chk (sanitizers, -Werror) ---------------------
define objects
$(patsubst %.c,build/$(1)/%.o,$(SRC) $(GEN))
endef
build/rel/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_REL) $(PKG_CFLAGS) -c -o $@ $<
build/chk/%.o: %.c $(HEADERS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS_CHK) $(PKG_CFLAGS) -c -o $@ $<

build/thanthien: $(call objects,rel) build/rel/src/cli/main.o
	$(CC) $(CFLAGS_REL) -o $@ $^ $(PKG_LIBS)
build/chk/thanthien: $(call objects,chk) build/chk/src/cli/main.o build/chk/locale/en/LC_MESSAGES/thanthien-en.mo
	$(CC) $(CFLAGS_CHK) -o $@ $(filter %.o,$^) $(PKG_LIBS)
# the binary finds its translations in locale/ beside itself
build/chk/locale/en/LC_MESSAGES/thanthien-en.mo: build/locale/en/LC_MESSAGES/thanthien-en.mo
	@mkdir -p $(dir $@)
	cp $< $@

# ---- run -------------------------------------------------------------------------------
run:
	@scripts/deps.sh
	@$(MAKE) --no-print-directory all
	@mkdir -p var
	@test -f var/demo.db || build/thanthien demo --db var/demo.db
	@echo "Thân Thiện: http://127.0.0.1:$(PORT)/  (Ctrl-C to stop)"
	build/thanthien serve --db var/demo.db --port $(PORT)

# ---- tests -----------------------------------------------------------------------------
TEST_LIBS := $(PKG_LIBS) -lcmocka
# every tests/unit/test_NAME.c is one cmocka program linked with the whole (checked) build
UNIT_TESTS := $(patsubst tests/unit/%.c,build/chk/%,$(sort $(wildcard tests/unit/test_*.c)))
build/chk/test_%: tests/unit/test_%.c $(call objects,chk) $(wildcard tests/unit/*.h)
	$(CC) $(CFLAGS_CHK) $(PKG_CFLAGS) -o $@ $(filter-out tests/notify/% %.h,$^) $(TEST_LIBS)
# the outbox's test servers are #included by its test
build/chk/test_notify: $(wildcard tests/notify/*.c)
# every tests/http/test_NAME.c is one program with its own server and demo database (harness.h)
HTTP_TESTS := $(patsubst tests/http/%.c,build/chk/http/%,$(sort $(wildcard tests/http/test_*.c)))
build/chk/http/%: tests/http/%.c tests/http/harness.h
	@mkdir -p build/chk/http
	$(CC) $(CFLAGS_CHK) $(PKG_CFLAGS) -o $@ $< -lcmocka $(shell pkg-config --libs libcurl jansson sqlite3)

export ASAN_OPTIONS := detect_leaks=1:abort_on_error=1:strict_string_checks=1
export UBSAN_OPTIONS := print_stacktrace=1:halt_on_error=1

# `make check` first installs what is missing (a fresh machine), then builds and runs in a
# sub-make, so pkg-config sees the freshly installed libraries.
check:
	@scripts/deps.sh test
	@$(MAKE) --no-print-directory check-run

# the layers (core -> store -> kit -> features -> server): no include goes the wrong way
# (tools/layers.sh), and the check itself fails on planted wrong-way includes
layers:
	@echo "== layers"
	@tools/layers.sh
	@tests/layers/test_layers.sh

check-run: layers build/chk/thanthien $(UNIT_TESTS) $(HTTP_TESTS)
	@echo "== unit tests (cmocka)"
	@for t in $(UNIT_TESTS); do echo "$$t"; $$t 2>&1 || exit 1; done
	@echo "== script tests"
	@for t in tests/scripts/test_*.sh; do $$t 2>&1 || exit 1; done
	@echo "== HTTP tests against a real server"
	@for t in $(HTTP_TESTS); do echo "$$t"; THANTHIEN_BIN=build/chk/thanthien $$t 2>&1 || exit 1; done
	@echo "== browser tests (Debian chromium, playwright-core, axe-core)"
	THANTHIEN_BIN=build/chk/thanthien node tests/browser/run.mjs 2>&1

# ---- fuzzing ---------------------------------------------------------------------------
FUZZ_TARGETS := form text template csv calendar notify_template intake letter_template coding rating_scan survey_answer sniff open311 \
                criteria_json criteria_csv
FUZZ_TIME ?= 30
FUZZ_CFLAGS := -O1 -g $(WARN) -fsanitize=fuzzer,address,undefined -fno-sanitize-recover=undefined
FUZZ_SRC := src/core/arena.c src/core/vntime.c src/core/text.c src/core/template.c src/kit/form.c src/kit/coding.c src/core/calendar.c src/core/lunar.c src/core/err.c \
            src/notify/message.c src/dossier/validate.c src/core/subst.c src/letter/letter_words.c src/survey/rating_scan.c src/survey/survey_answer.c src/feedback/sniff.c \
            src/feedback/open311_fmt.c \
            src/assess/criteria.c src/assess/score.c src/assess/sets_csv.c src/assess/sets_metrics.c
fuzz: $(GEN)
	@for t in $(FUZZ_TARGETS); do \
	  mkdir -p build/fuzz/corpus-$$t && \
	  clang $(FUZZ_CFLAGS) $(PKG_CFLAGS) -o build/fuzz/fuzz_$$t tests/fuzz/fuzz_$$t.c $(FUZZ_SRC) src/catalog/csvparse.c $(PKG_LIBS) || exit 1; \
	  echo "== fuzz $$t ($(FUZZ_TIME) s)"; \
	  build/fuzz/fuzz_$$t -max_total_time=$(FUZZ_TIME) -print_final_stats=1 -artifact_prefix=build/fuzz/crash-$$t- \
	    build/fuzz/corpus-$$t tests/fuzz/corpus/$$t > build/fuzz/$$t.log 2>&1; rc=$$?; \
	  grep -E '^#[0-9]+ *DONE|^stat::(number_of_executed_units|average_exec_per_sec)|ERROR|SUMMARY' build/fuzz/$$t.log; \
	  [ $$rc -eq 0 ] || { echo "fuzz $$t failed: see build/fuzz/$$t.log"; exit 1; }; \
	done

# ---- benchmarks --------------------------------------------------------------------------
bench: all
	@scripts/deps.sh bench
	bench/run.sh
	bench/dossier.sh
	bench/ceiling.sh
	bench/province.sh

# the time to render one appointment slip PDF (bench/slip_pdf.c)
build/slip_bench: bench/slip_pdf.c $(call objects,rel)
	$(CC) $(CFLAGS_REL) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS)

# durable writes per second through db_write(), inline against group commit (bench/write_bench.c)
build/write_bench: bench/write_bench.c $(call objects,rel)
	$(CC) $(CFLAGS_REL) $(PKG_CFLAGS) -o $@ $^ $(PKG_LIBS)

# ---- translations ------------------------------------------------------------------------
pot:
	xgettext --from-code=UTF-8 -L C -k -k_ -kT:2 -kN_ -kaccount_role_label -kerr_set:3 -kweb_error:3 -kweb_id_or_404:3 -kweb_page_info:2 \
	  -klogin_form:3 -kimport_page:3 --no-location --sort-output -o po/thanthien.pot \
	  $(SRC) $(TEMPLATES)
	msgmerge --update --backup=none --no-fuzzy-matching po/en.po po/thanthien.pot

clean:
	rm -rf build
