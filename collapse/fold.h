/* fold.h - the table of unique stacks that every collapse input feeds.
 *
 * A stack is its collapsed text, root first: "root;frame;...;leaf".  Each
 * unique (group, stack) pair gets one entry whose weight is the sum of what
 * was added.  Groups are optional (group 0 is "no group"): a flamer
 * recording uses one per thread, so speedscope can show a profile per
 * thread, while the folded output merges equal stacks of different groups.
 * Memory grows with the number of unique stacks only.
 */
#ifndef FLAMER_COLLAPSE_FOLD_H
#define FLAMER_COLLAPSE_FOLD_H

#include <stddef.h>
#include <stdint.h>
#include <stdio.h>

struct fold;

/* The most bytes of unique stack text a fold holds; fold_add() returns
 * -FE_TOO_BIG past it (real profiles hold tens of MiB). */
#define FOLD_MAX_BYTES (256ull << 20)

/* One unique stack, as handed out by fold_sorted(). */
struct fold_entry {
	const char *stack; /* NUL-terminated, borrowed from the fold */
	size_t len;
	double weight;
	uint32_t group;
	uint32_t id;       /* the entry's id (see fold_add_id) */
	int offcpu;        /* marked with fold_mark_offcpu */
};

/* What a recording says about its samples; all 0 / "" for text input. */
struct fold_info {
	double period_ns;     /* CPU time one sample stands for (1e9 / Hz) */
	int weight_us;        /* weights are microseconds (collapse
			       * --off-cpu / --wall), not samples */
	uint64_t start_ns;    /* wall clock at the start, ns since the epoch */
	uint64_t duration_ns; /* length of the recording */
	char event[32];       /* the sampled event ("cpu-clock") */
	uint32_t target_pid;  /* META pid: the process recorded */
	char main_exe[512];   /* its executable (PROC exe), "" unknown */
};

/* One sample in recording order (kept only when asked for, see
 * recfold_opts.timeline): the entry it adds to, its time since the start
 * and its weight. */
struct fold_sample {
	uint64_t time_ns;
	double weight;
	uint32_t entry;
};

/* A new empty table (owned by the caller, see fold_free) or NULL. */
struct fold *fold_new(void);
void fold_free(struct fold *f); /* NULL is accepted */

/* Adds weight to stack[0..len) in group.  Returns 0, -ENOMEM, or -FE_RANGE
 * when the stack's total would leave the range of a double (it is then
 * unchanged). */
int fold_add(struct fold *f, uint32_t group, const char *stack, size_t len,
	     double weight);

/* Same as fold_add; returns the entry's id (>= 0, stable for the fold's
 * life) or a negative error. */
int64_t fold_add_id(struct fold *f, uint32_t group, const char *stack,
		    size_t len, double weight);

/* Appends a time-ordered sample of entry (an id from fold_add_id).  Returns
 * 0 or -ENOMEM. */
int fold_add_sample(struct fold *f, uint32_t entry, uint64_t time_ns,
		    double weight);

/* The samples added with fold_add_sample, in the order added (borrowed,
 * valid until the next add); *n = 0 when there are none. */
const struct fold_sample *fold_samples(const struct fold *f, size_t *n);

/* The recording's info (borrowed, writable: the reader fills it). */
struct fold_info *fold_info(struct fold *f);
const struct fold_info *fold_info_get(const struct fold *f);

/* A module (executable or library) of a recording, for pprof mappings:
 * the address range it had in the first process seen mapping it. */
struct fold_module {
	const char *path;     /* full path (file name without a MAP record) */
	const char *build_id; /* hex, "" if unknown; both borrowed */
	uint64_t start, end, pgoff;
	uint32_t pid;
};

/* Notes that path (with build_id, hex or "") was mapped at [start, end)
 * from file offset pgoff in pid.  Modules are known by file name (frames
 * name theirs so) and keep one (executable) mapping: the recorded
 * process's latest (fold_info target_pid), else the first process's
 * latest.  Returns 0 or -ENOMEM. */
int fold_module_map(struct fold *f, const char *path, size_t plen,
		    const char *build_id, size_t blen, uint32_t pid,
		    uint64_t start, uint64_t end, uint64_t pgoff);

/* Notes that frames named name[0..len) come from module path (the first
 * note for a name wins).  Returns 0 or -ENOMEM. */
int fold_name_module(struct fold *f, const char *name, size_t len,
		     const char *path, size_t plen);

/* Modules noted so far: a new array (free() it; its strings borrow from
 * the fold) of *n modules, ids 0..n-1; NULL when out of memory.  pid is
 * UINT32_MAX for a module no MAP record named. */
struct fold_module *fold_modules(const struct fold *f, size_t *n);

/* The module id of a frame name, or -1. */
int64_t fold_module_of(const struct fold *f, const char *name, size_t len);

/* Code locations (a recording's LOC records, for pprof): an address in a
 * module and the frames it stands for, innermost first, each with its
 * source position.  A location without an address (module "" and offset
 * 0) stands for a frame name alone.  Strings are borrowed. */
#define FOLD_LOC_MAX_LINES 64
struct fold_line {
	const char *name, *file;
	size_t nlen, flen;
	uint32_t line; /* 0 = unknown */
};
struct fold_loc {
	const char *module; /* file name, as fold_module_map knows modules */
	size_t mlen;
	uint64_t offset;    /* file offset */
	uint32_t n;
	struct fold_line lines[FOLD_LOC_MAX_LINES];
};

/* The id (>= 0) of a location (equal ones share it), or -ENOMEM,
 * -FE_TOO_BIG (see FOLD_MAX_BYTES), -EINVAL (n > FOLD_LOC_MAX_LINES). */
int64_t fold_loc_add(struct fold *f, const struct fold_loc *loc);

/* Location id into *out (its strings borrowed from the fold).  0 or
 * -ENOENT. */
int fold_loc_get(const struct fold *f, uint32_t id, struct fold_loc *out);
size_t fold_loc_count(const struct fold *f);

/* Adds weight to the location stack locs[0..n) (ids from fold_loc_add,
 * leaf first, root frames included) of entry (a fold_add_id id): the
 * entry's stack with addresses.  0 or a negative error. */
int fold_add_locs(struct fold *f, uint32_t entry, const uint32_t *locs,
		  size_t n, double weight);

/* Location stacks added: i < fold_locstack_count(); returns its *n ids
 * (leaf first, borrowed, possibly unaligned: read each u32 with memcpy)
 * and fills *entry and *weight. */
size_t fold_locstack_count(const struct fold *f);
const void *fold_locstack(const struct fold *f, size_t i, uint32_t *entry,
			  size_t *n, double *weight);

/* Marks entry (a fold_add_id id) as off-CPU time, for outputs that keep
 * on- and off-CPU weights apart (pprof; see RECFOLD_SPLIT).  0 or
 * -ENOMEM. */
int fold_mark_offcpu(struct fold *f, uint32_t entry);

/* Whether entry was marked with fold_mark_offcpu. */
int fold_entry_offcpu(const struct fold *f, uint32_t entry);

/* The group of entry id. */
uint32_t fold_entry_group(const struct fold *f, uint32_t entry);

/* The module id of a module path (known by its file name), or -1. */
int64_t fold_module_find(const struct fold *f, const char *path, size_t len);

/* Registers a group name (copied) and returns its id (>= 1) or -ENOMEM.
 * The same name gives the same id. */
int64_t fold_group(struct fold *f, const char *name, size_t len);

/* Name of a group (borrowed; "" for group 0 or an unknown id). */
const char *fold_group_name(const struct fold *f, uint32_t group);

/* Number of registered groups (not counting group 0). */
size_t fold_ngroups(const struct fold *f);

/* Number of unique (group, stack) entries. */
size_t fold_count(const struct fold *f);

/* All entries sorted bytewise by stack, then by group.  Returns a new array
 * (owned by the caller, free() it; entries borrow from the fold) and its
 * length in *n, or NULL with *n = 0 when empty or out of memory (then
 * *err = -ENOMEM). */
struct fold_entry *fold_sorted(const struct fold *f, size_t *n, int *err);

/* Writes "stack weight\n" lines, equal stacks of different groups merged,
 * sorted bytewise.  Returns 0 or a negative errno. */
int fold_write_folded(const struct fold *f, FILE *out);

/* Formats a weight as flamer prints counts: an integer when it is one,
 * otherwise the shortest %g form.  buf must hold 32 bytes. */
void fold_format_weight(double w, char *buf);

#endif
