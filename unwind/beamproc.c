/* beamproc.c - an Erlang VM's layout and atoms (see beamproc.h). */
#include "beamproc.h"

#include "buildid.h"
#include "../common/error.h"

#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <sys/uio.h>
#include <unistd.h>

/* One checked build: offsets measured on it (docs/beam-bpf.md section 3,
 * each with its evidence there).  -1: not known. */
struct beam_layout {
	const char *build_id; /* beam.smp's GNU build-id, hex */
	const char *release;  /* OTP release, for messages */
	uint32_t esd_stride;
	int32_t esd_tid, esd_pseudo, esd_cur, esd_type, esd_no, esd_dirty_no;
	int32_t esd_regs; /* -1 (explicitly: 0 is an offset) when not known */
	int32_t p_id, p_reg, reg_name, p_htop, p_stop, p_fp, p_heap, p_hend;
	int32_t p_i, p_current, p_state, p_sched;
	uint32_t running_mask;
	int32_t at_seg_table, at_len, at_name; /* IndexTable, Atom */
};

static const struct beam_layout layouts[] = {
	{
		/* Debian 12 erlang-base 1:25.2.3+dfsg-1+deb12u4 (OTP 25.2,
		 * ERTS 13.1.5, x86-64 JIT) */
		.build_id = "94bcd90b66fca38e41e627fa3a2ec089b2e498be",
		.release = "25",
		.esd_stride = 0xa300,
		.esd_tid = 0x20, .esd_pseudo = 0x28, .esd_cur = 0xa8,
		.esd_type = 0xb0, .esd_no = 0xb8, .esd_dirty_no = 0xc0,
		.esd_regs = 0x0,
		.p_id = 0x0, .p_reg = 0x30, .reg_name = 0x20, .p_htop = 0x50,
		.p_stop = 0x58, .p_fp = 0x60, .p_heap = 0x80, .p_hend = 0x88,
		.p_i = 0x100, .p_current = 0x1d8, .p_state = 0x280,
		.p_sched = 0x2f8,
		/* RUNNING | RUNNING_SYS | DIRTY_RUNNING | DIRTY_RUNNING_SYS */
		.running_mask = 0x8000 | 0x200000 | 0x20000000 | 0x40000000,
		.at_seg_table = 120, .at_len = 24, .at_name = 32,
	},
};

/* The exported data symbols read (docs/beam-bpf.md 3(ii)). */
enum {
	SYM_ESD, SYM_DCPU_ESD, SYM_DIO_ESD, SYM_NO, SYM_DCPU_NO, SYM_DIO_NO,
	SYM_FRAME_LAYOUT, SYM_ATOM_TABLE, NSYMS
};
static const char *const sym_names[NSYMS] = {
	"erts_aligned_scheduler_data", "erts_aligned_dirty_cpu_scheduler_data",
	"erts_aligned_dirty_io_scheduler_data", "erts_no_schedulers",
	"erts_no_dirty_cpu_schedulers", "erts_no_dirty_io_schedulers",
	"erts_frame_layout", "erts_atom_table",
};

#define MAX_SCHEDULERS 1024 /* more in one array is no VM's */
#define ATOM_CACHE 4096     /* atom indexes cached (a direct-mapped table) */

struct atom_slot {
	uint64_t ix1; /* index + 1; 0: empty */
	char *text;
};

struct beamproc {
	pid_t pid;
	const struct beam_layout *l;
	uint64_t sym[NSYMS]; /* run-time addresses */
	struct beambpf_proc bpf;
	struct atom_slot atoms[ATOM_CACHE];
};

static int rd(pid_t pid, uint64_t addr, void *buf, size_t len)
{
	struct iovec local = { buf, len };
	struct iovec remote = { (void *)(uintptr_t)addr, len };
	ssize_t n = process_vm_readv(pid, &local, 1, &remote, 1, 0);

	if (n == (ssize_t)len)
		return 0;
	return n < 0 ? -errno : -FE_BAD_MEMORY;
}

static int rd64(pid_t pid, uint64_t addr, uint64_t *v)
{
	return rd(pid, addr, v, sizeof *v);
}

/* The exported symbols' link-time values and the first PT_LOAD's page. */
static int read_syms(const char *path, uint64_t *val, uint64_t *first_vaddr)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -FE_UNSUPPORTED;
	Elf *elf;
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t nph, found = 0;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_getphdrnum(elf, &nph) != 0)
		goto out;
	*first_vaddr = UINT64_MAX;
	for (size_t i = 0; i < nph && *first_vaddr == UINT64_MAX; i++) {
		GElf_Phdr ph;

		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD)
			*first_vaddr = ph.p_vaddr & ~(uint64_t)4095;
	}
	while ((scn = elf_nextscn(elf, scn))) {
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) || sh.sh_type != SHT_DYNSYM ||
		    !sh.sh_entsize || !(d = elf_getdata(scn, NULL)))
			continue;
		for (size_t i = 0; i < sh.sh_size / sh.sh_entsize; i++) {
			GElf_Sym s;
			const char *name;

			if (!gelf_getsym(d, (int)i, &s) || s.st_shndx == SHN_UNDEF ||
			    !(name = elf_strptr(elf, sh.sh_link, s.st_name)))
				continue;
			for (int k = 0; k < NSYMS; k++)
				if (!val[k] && !strcmp(name, sym_names[k])) {
					val[k] = s.st_value;
					found++;
				}
		}
	}
	if (found == NSYMS && *first_vaddr != UINT64_MAX)
		err = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

static int is_beam_smp(const char *path)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strcmp(base, "beam.smp");
}

/* beam.smp's path in pid's maps and where its offset 0 is mapped. */
static int find_beam(pid_t pid, char *path, size_t len, uint64_t *start)
{
	char maps[64], *line = NULL;
	size_t cap = 0;
	int err = -ENOENT;
	FILE *f;

	snprintf(maps, sizeof maps, "/proc/%d/maps", (int)pid);
	f = fopen(maps, "re");
	if (!f)
		return -errno;
	while (err && getline(&line, &cap, f) > 0) {
		unsigned long long s, e, o;
		int pos = 0;

		line[strcspn(line, "\n")] = '\0';
		if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &s, &e, &o,
			   &pos) < 3 || !pos || line[pos] != '/' || o != 0 ||
		    !is_beam_smp(line + pos))
			continue;
		snprintf(path, len, "/proc/%d/root%s", (int)pid, line + pos);
		*start = s;
		err = 0;
	}
	free(line);
	fclose(f);
	return err;
}

/* One scheduler-data entry of array a (0 normal, 1 dirty CPU, 2 dirty IO)
 * at index i, checked (docs/beam-bpf.md 3(iii)).  0, or -EINVAL. */
static int check_esd(const struct beamproc *b, int a, uint32_t i, uint64_t esd)
{
	const struct beam_layout *l = b->l;
	uint64_t no, dno, type, cp, id, sched, heap, htop, stop, hend, tid;

	if (rd64(b->pid, esd + l->esd_no, &no) ||
	    rd64(b->pid, esd + l->esd_dirty_no, &dno) ||
	    rd64(b->pid, esd + l->esd_type, &type) ||
	    rd64(b->pid, esd + l->esd_tid, &tid) ||
	    rd64(b->pid, esd + l->esd_cur, &cp))
		return -EINVAL;
	if (!tid || (!no && !dno))
		return -EINPROGRESS; /* its thread has not started yet */
	if ((uint32_t)type != (uint32_t)a || !tid ||
	    (a == 0 ? (no != i + 1 || dno != 0) : (dno != i + 1 || no != 0)))
		return -EINVAL;
	/* a normal scheduler's registers block: on its thread's stack,
	 * 8-byte aligned (the BPF program copies the C stack under it) */
	if (a == 0 && l->esd_regs >= 0) {
		uint64_t regs, w;

		if (rd64(b->pid, esd + l->esd_regs, &regs) || !regs ||
		    (regs & 7) || rd64(b->pid, regs - 8, &w))
			return -EINVAL;
	}
	if (!cp)
		return 0;
	if (rd64(b->pid, cp + l->p_id, &id) ||
	    rd64(b->pid, cp + l->p_sched, &sched) ||
	    rd64(b->pid, cp + l->p_heap, &heap) ||
	    rd64(b->pid, cp + l->p_htop, &htop) ||
	    rd64(b->pid, cp + l->p_stop, &stop) ||
	    rd64(b->pid, cp + l->p_hend, &hend))
		return -EINVAL;
	if ((id & 0xf) != 3 || (a == 0 && sched != esd) ||
	    !(heap <= htop && htop <= stop && stop <= hend))
		return -EAGAIN; /* or the process changed meanwhile */
	return 0;
}

/* Reads the arrays into b->bpf and checks every entry.  A running
 * scheduler may switch processes between reads: a process that does
 * not check out is read again, a few times. */
static int check_arrays(struct beamproc *b, const char **why)
{
	static const int base_sym[3] = { SYM_ESD, SYM_DCPU_ESD, SYM_DIO_ESD };
	static const int no_sym[3] = { SYM_NO, SYM_DCPU_NO, SYM_DIO_NO };
	int err = 0;

	for (int a = 0; a < 3; a++) {
		uint64_t base, n;

		if (rd64(b->pid, b->sym[base_sym[a]], &base) ||
		    rd64(b->pid, b->sym[no_sym[a]], &n))
			return -FE_BAD_MEMORY;
		if (!base || !n)
			return -EAGAIN; /* still booting */
		if (n > MAX_SCHEDULERS) {
			*why = "implausible scheduler count";
			return -FE_UNSUPPORTED;
		}
		b->bpf.esd_base[a] = base;
		b->bpf.esd_n[a] = (uint32_t)n;
		for (uint32_t i = 0; i < n; i++) {
			uint64_t esd = base + (uint64_t)i * b->l->esd_stride;

			for (int tries = 0; tries < 5; tries++) {
				err = check_esd(b, a, i, esd);
				if (err != -EAGAIN)
					break;
			}
			if (err == -EINPROGRESS) {
				*why = "the schedulers are not running yet";
				return -EAGAIN;
			}
			if (err) {
				*why = "the scheduler data does not match the "
				       "layout of this build";
				return -FE_UNSUPPORTED;
			}
		}
	}
	return 0;
}

static void fill_bpf(struct beamproc *b)
{
	const struct beam_layout *l = b->l;
	struct beambpf_proc *c = &b->bpf;

	c->esd_stride = l->esd_stride;
	c->esd_tid = l->esd_tid;
	c->esd_cur = l->esd_cur;
	c->esd_pseudo = l->esd_pseudo;
	c->esd_regs = l->esd_regs;
	c->p_id = l->p_id;
	c->p_reg = l->p_reg;
	c->reg_name = l->reg_name;
	c->p_stop = l->p_stop;
	c->p_fp = l->p_fp;
	c->p_heap = l->p_heap;
	c->p_hend = l->p_hend;
	c->p_i = l->p_i;
	c->p_current = l->p_current;
	c->p_state = l->p_state;
	c->running_mask = l->running_mask;
}

int beamproc_new(pid_t pid, struct beamproc **out, const char **why)
{
	struct beamproc *b = NULL;
	char path[PATH_MAX + 32], hex[64];
	uint64_t start = 0, first = 0, layout_word = 0;
	const char *corrupt = getenv("FLAMER_BEAM_TEST_BAD_OFFSET");
	int err;

	*out = NULL;
	*why = "";
	err = find_beam(pid, path, sizeof path, &start);
	if (err)
		return err;
	b = calloc(1, sizeof *b);
	if (!b)
		return -ENOMEM;
	b->pid = pid;
	err = buildid_read(path, hex, sizeof hex);
	if (err)
		goto fail;
	for (size_t i = 0; i < sizeof layouts / sizeof layouts[0]; i++)
		if (!strcmp(layouts[i].build_id, hex))
			b->l = &layouts[i];
	if (!b->l) {
		*why = "a beam.smp build with no checked layout";
		err = -FE_UNSUPPORTED;
		goto fail;
	}
	err = read_syms(path, b->sym, &first);
	if (err) {
		*why = "beam.smp does not export the symbols needed";
		goto fail;
	}
	for (int k = 0; k < NSYMS; k++)
		b->sym[k] += start - first;
	/* the fail-closed test hook: a wrong offset must be caught here */
	if (corrupt && *corrupt && strcmp(corrupt, "0") != 0) {
		static struct beam_layout bad;

		bad = *b->l;
		bad.esd_cur += 8;
		b->l = &bad;
	}
	fill_bpf(b);
	err = check_arrays(b, why);
	if (err)
		goto fail;
	/* uint32 enum; 1 = FP_RA: frame pointers (+JPperf map) */
	err = rd(pid, b->sym[SYM_FRAME_LAYOUT], &layout_word, 4);
	if (err)
		goto fail;
	if (layout_word != 1) {
		*why = "the JIT keeps no frame pointers";
		err = -EOPNOTSUPP;
		goto fail;
	}
	*out = b;
	return 0;
fail:
	beamproc_free(b);
	return err;
}

void beamproc_free(struct beamproc *b)
{
	if (!b)
		return;
	for (size_t i = 0; i < ATOM_CACHE; i++)
		free(b->atoms[i].text);
	free(b);
}

void beamproc_bpf(const struct beamproc *b, struct beambpf_proc *out)
{
	*out = b->bpf;
}

const char *beamproc_release(const struct beamproc *b)
{
	return b->l->release;
}

const char *beamproc_atom(struct beamproc *b, uint64_t atom)
{
	const struct beam_layout *l = b->l;
	uint64_t ix = atom >> 6, seg_table, seg, ap, name;
	struct atom_slot *slot = &b->atoms[ix % ATOM_CACHE];
	int16_t len;
	char *text;

	if ((atom & 0x3f) != 0xb)
		return NULL;
	if (slot->ix1 == ix + 1)
		return slot->text;
	if (rd64(b->pid, b->sym[SYM_ATOM_TABLE] + l->at_seg_table, &seg_table) ||
	    rd64(b->pid, seg_table + (ix >> 10) * 8, &seg) ||
	    rd64(b->pid, seg + (ix & 1023) * 8, &ap) ||
	    rd(b->pid, ap + l->at_len, &len, sizeof len) ||
	    rd64(b->pid, ap + l->at_name, &name) || len < 0 || len > 1024)
		return NULL;
	text = malloc((size_t)len + 1);
	if (!text)
		return NULL;
	if (rd(b->pid, name, text, (size_t)len)) {
		free(text);
		return NULL;
	}
	text[len] = '\0';
	free(slot->text);
	slot->text = text;
	slot->ix1 = ix + 1;
	return text;
}

int beam_pid_text(uint64_t id, char *buf, size_t len)
{
	if ((id & 0xf) != 3)
		return -EINVAL;
	snprintf(buf, len, "<0.%u.%u>", (unsigned)((id >> 4) & 0x7fff),
		 (unsigned)((id >> 19) & 0x1fff));
	return 0;
}
