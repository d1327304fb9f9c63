# flamer - sampling profiler and flame-graph generator.
#
#   make            build ./flamer
#   make demo       install deps, build, profile samples/, write demo.svg
#   make check      install test deps, run every test, then again under
#                   AddressSanitizer + UndefinedBehaviorSanitizer
#   make bench      side-by-side benchmarks against perf (not part of check)
#   make fuzz       run the fuzz targets for FUZZ_SECONDS each
#   make install    install bin/flamer and share/man/man1/flamer.1 under
#                   $(DESTDIR)$(PREFIX) (PREFIX default /usr/local)
#
# Sources are found by wildcard: a new .c file in a module folder is part of
# the build, a new tests/unit/test_*.c is a unit test, a new tests/*/t_*.sh
# is a script test.

CC ?= cc
BUILD ?= build
PKGS := libdw libelf libzstd zlib libprotobuf-c
SAN ?=

PKG_CFLAGS := $(shell pkg-config --cflags $(PKGS) 2>/dev/null)
PKG_LIBS := $(shell pkg-config --libs $(PKGS) 2>/dev/null)

CFLAGS ?= -O2 -g
CFLAGS += -std=gnu11 -Wall -Wextra -Werror -Wno-unused-parameter \
	  -D_GNU_SOURCE -fno-omit-frame-pointer $(PKG_CFLAGS)
LDLIBS += $(PKG_LIBS) -lstdc++ -lpthread -lm
ifneq ($(SAN),)
CFLAGS += -fsanitize=address,undefined -fno-sanitize-recover=all
LDFLAGS += -fsanitize=address,undefined
endif

MODULES := common recording profiler unwind collapse render dump
LIB_SRCS := $(sort $(wildcard $(addsuffix /*.c,$(MODULES)) \
			     $(addsuffix /*/*.c,$(MODULES))))
LIB_OBJS := $(LIB_SRCS:%.c=$(BUILD)/%.o)
UNIT_SRCS := $(sort $(wildcard tests/unit/test_*.c))
UNIT_BINS := $(UNIT_SRCS:%.c=$(BUILD)/%)
SAMPLE_SRCS := $(sort $(wildcard samples/c/*.c))

PREFIX ?= /usr/local
BINDIR ?= $(PREFIX)/bin
MANDIR ?= $(PREFIX)/share/man

.PHONY: all unit deps deps-test demo check test test-asan bench fuzz clean samples install uninstall

all: flamer

# cp + mv: replacing a binary that a running test uses is fine, writing
# into it is not ("Text file busy")
flamer: $(BUILD)/flamer
	cp $< $@.new && mv -f $@.new $@

$(BUILD)/flamer: $(BUILD)/main.o $(LIB_OBJS)
	$(CC) $(LDFLAGS) -o $@ $^ $(LDLIBS)

$(BUILD)/%.o: %.c
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) -MMD -MP -c -o $@ $<

$(BUILD)/tests/unit/%: tests/unit/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

# test helpers built against the module objects (the tests use them)
TOOLS := $(BUILD)/tests/faults/recdump $(BUILD)/tests/faults/recbomb
$(BUILD)/tests/faults/%: tests/faults/%.c $(LIB_OBJS)
	@mkdir -p $(dir $@)
	$(CC) $(CFLAGS) $(LDFLAGS) -o $@ $^ $(LDLIBS)

unit: $(UNIT_BINS) $(TOOLS)

samples:
	$(MAKE) -C samples

-include $(LIB_OBJS:.o=.d) $(BUILD)/main.d

deps:
	build-aux/install-deps.sh build

deps-test:
	build-aux/install-deps.sh test

demo: deps
	$(MAKE) flamer samples
	build-aux/demo.sh

# The tests run twice: a normal build, then one under ASan+UBSan.
check: deps-test
	$(MAKE) flamer samples unit
	tests/run.sh --build $(BUILD) --flamer ./flamer
	$(MAKE) BUILD=build-asan SAN=1 build-asan/flamer unit
	ASAN_OPTIONS=detect_leaks=1:abort_on_error=1 \
	UBSAN_OPTIONS=print_stacktrace=1:halt_on_error=1 \
	tests/run.sh --build build-asan --flamer build-asan/flamer

test: flamer samples unit
	tests/run.sh --build $(BUILD) --flamer ./flamer

bench: deps-test
	$(MAKE) flamer samples
	bench/run.sh

fuzz:
	tests/fuzz/run.sh

install: flamer
	install -d "$(DESTDIR)$(BINDIR)" "$(DESTDIR)$(MANDIR)/man1"
	install -m 0755 flamer "$(DESTDIR)$(BINDIR)/flamer"
	install -m 0644 flamer.1 "$(DESTDIR)$(MANDIR)/man1/flamer.1"

uninstall:
	rm -f "$(DESTDIR)$(BINDIR)/flamer" "$(DESTDIR)$(MANDIR)/man1/flamer.1"

clean:
	rm -rf build build-asan flamer
	$(MAKE) -C samples clean
