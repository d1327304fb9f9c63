# fuzz.mk - builds the libFuzzer targets with clang into build-fuzz/.
# Used by tests/fuzz/run.sh (make fuzz); the main Makefile is not involved.
#
#   make -f tests/fuzz/fuzz.mk [FUZZ_BUILD=build-fuzz] [FUZZ_CC=clang]

FUZZ_BUILD ?= build-fuzz
FUZZ_CC ?= clang
SANS := -fsanitize=address,undefined -fno-sanitize-recover=undefined
FCFLAGS := -O1 -g -std=gnu11 -D_GNU_SOURCE -fno-omit-frame-pointer \
	   -Wall -Wno-unused-parameter $(shell pkg-config --cflags libzstd zlib libprotobuf-c)
FLIBS := $(shell pkg-config --libs libzstd zlib libprotobuf-c) -lm -lpthread

# The parsers and what they need: of profiler/ only the record decoder,
# no libdw.
LIB_SRCS := $(wildcard common/*.c recording/*.c collapse/*.c render/*.c) \
	    profiler/decode.c \
	    unwind/perfmap.c unwind/kallsyms.c
PB_DIR := $(FUZZ_BUILD)/gen/pprof
LIB_OBJS := $(LIB_SRCS:%.c=$(FUZZ_BUILD)/lib/%.o) $(PB_DIR)/profile.pb-c.o
TARGETS := $(patsubst tests/fuzz/%.c,%,$(wildcard tests/fuzz/fuzz_*.c))

all: $(TARGETS:%=$(FUZZ_BUILD)/%)

$(FUZZ_BUILD)/lib/%.o: %.c
	@mkdir -p $(dir $@)
	$(FUZZ_CC) $(FCFLAGS) $(SANS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

# the pprof schema's code, generated as the main Makefile does
$(PB_DIR)/profile.pb-c.c $(PB_DIR)/profile.pb-c.h &: collapse/pprof/profile.proto
	@mkdir -p $(PB_DIR)
	protoc-c --c_out=$(PB_DIR) -Icollapse/pprof $<

$(PB_DIR)/profile.pb-c.o: $(PB_DIR)/profile.pb-c.c
	$(FUZZ_CC) $(FCFLAGS) $(SANS) -fsanitize=fuzzer-no-link -MMD -MP -c -o $@ $<

$(FUZZ_BUILD)/lib/collapse/pprof.o: FCFLAGS += -I$(PB_DIR)
$(FUZZ_BUILD)/lib/collapse/pprof.o: $(PB_DIR)/profile.pb-c.h

$(FUZZ_BUILD)/libparsers.a: $(LIB_OBJS)
	rm -f $@
	ar rcs $@ $^

$(FUZZ_BUILD)/fuzz_%: tests/fuzz/fuzz_%.c tests/fuzz/fuzz.h $(FUZZ_BUILD)/libparsers.a
	$(FUZZ_CC) $(FCFLAGS) $(SANS) -fsanitize=fuzzer -o $@ $< \
		$(FUZZ_BUILD)/libparsers.a $(FLIBS)

-include $(LIB_OBJS:.o=.d)
