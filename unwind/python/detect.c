/* detect.c - finds CPython in a process: the mapped ELF file (libpython or
 * the interpreter executable) that defines _PyRuntime, where it is loaded,
 * and which version it is. */
#include "detect.h"

#include "../../common/error.h"

#include <ctype.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <limits.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <unistd.h>

struct elfinfo {
	uint64_t runtime, runtime_size; /* st_value, st_size of _PyRuntime */
	uint64_t first_vaddr;           /* p_vaddr of the first PT_LOAD */
	unsigned long version_hex;      /* Py_Version, 0 when absent */
	uint64_t types[4];              /* st_value of type_syms[], or 0 */
	char version[32];               /* from .rodata, "" when not found */
};

static int sym_value(Elf *elf, Elf_Scn *scn, GElf_Shdr *sh,
		     const char *name, GElf_Sym *out)
{
	Elf_Data *data = elf_getdata(scn, NULL);
	size_t n;

	if (!data || sh->sh_entsize == 0)
		return -1;
	n = sh->sh_size / sh->sh_entsize;
	for (size_t i = 0; i < n; i++) {
		GElf_Sym sym;
		const char *s;

		if (!gelf_getsym(data, (int)i, &sym) || sym.st_shndx == SHN_UNDEF)
			continue;
		s = elf_strptr(elf, sh->sh_link, sym.st_name);
		if (s && !strcmp(s, name)) {
			*out = sym;
			return 0;
		}
	}
	return -1;
}

/* Finds symbol name in .dynsym, then .symtab. */
static int find_sym(Elf *elf, const char *name, GElf_Sym *out)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;

	for (int pass = 0; pass < 2; pass++) {
		while ((scn = elf_nextscn(elf, scn))) {
			if (!gelf_getshdr(scn, &sh))
				continue;
			if (sh.sh_type == (pass ? SHT_SYMTAB : SHT_DYNSYM) &&
			    sym_value(elf, scn, &sh, name, out) == 0)
				return 0;
		}
	}
	return -1;
}

/* The section holding address addr, and its header. */
static Elf_Scn *section_of(Elf *elf, uint64_t addr, GElf_Shdr *sh)
{
	Elf_Scn *scn = NULL;

	while ((scn = elf_nextscn(elf, scn)))
		if (gelf_getshdr(scn, sh) && sh->sh_type == SHT_PROGBITS &&
		    addr >= sh->sh_addr && addr < sh->sh_addr + sh->sh_size)
			return scn;
	return NULL;
}

static void read_version_hex(Elf *elf, struct elfinfo *info)
{
	GElf_Sym sym;
	GElf_Shdr sh;
	Elf_Scn *scn;
	Elf_Data *d;
	uint64_t v;

	if (find_sym(elf, "Py_Version", &sym) != 0)
		return;
	scn = section_of(elf, sym.st_value, &sh);
	d = scn ? elf_getdata(scn, NULL) : NULL;
	if (!d || !d->d_buf || sym.st_value - sh.sh_addr + 8 > d->d_size)
		return;
	memcpy(&v, (char *)d->d_buf + (sym.st_value - sh.sh_addr), 8);
	info->version_hex = (unsigned long)v;
}

/* Is s (NUL-terminated, at most max bytes) exactly "3.N.P" with an optional
 * "a1"/"b2"/"rc1"/"+" suffix? */
static int is_version_string(const char *s, size_t max)
{
	size_t i = 0;
	int dots = 0;

	if (max < 5 || s[0] != '3' || s[1] != '.')
		return 0;
	for (i = 2; i < max && s[i] && (isdigit((unsigned char)s[i]) ||
					 s[i] == '.'); i++)
		dots += s[i] == '.';
	if (dots != 1 || !isdigit((unsigned char)s[i - 1]))
		return 0;
	while (i < max && s[i] && (isalnum((unsigned char)s[i]) || s[i] == '+'))
		i++;
	return i < max && s[i] == 0 && i < 20;
}

/* The PY_VERSION string ("3.9.18") in .rodata, as Py_GetVersion uses it. */
static void read_version_string(Elf *elf, struct elfinfo *info)
{
	Elf_Scn *scn = NULL;
	GElf_Shdr sh;
	size_t shstrndx;

	if (elf_getshdrstrndx(elf, &shstrndx) != 0)
		return;
	while ((scn = elf_nextscn(elf, scn))) {
		const char *name;
		Elf_Data *d;

		if (!gelf_getshdr(scn, &sh) ||
		    !(name = elf_strptr(elf, shstrndx, sh.sh_name)) ||
		    strcmp(name, ".rodata") || !(d = elf_getdata(scn, NULL)) ||
		    !d->d_buf)
			continue;
		const char *p = d->d_buf;
		for (size_t i = 0; i + 1 < d->d_size; i++) {
			if ((i == 0 || p[i - 1] == 0) &&
			    is_version_string(p + i, d->d_size - i)) {
				snprintf(info->version, sizeof info->version,
					 "%s", p + i);
				return;
			}
		}
	}
}

static int first_load(Elf *elf, uint64_t *vaddr)
{
	size_t n;

	if (elf_getphdrnum(elf, &n) != 0)
		return -1;
	for (size_t i = 0; i < n; i++) {
		GElf_Phdr ph;
		if (gelf_getphdr(elf, (int)i, &ph) && ph.p_type == PT_LOAD) {
			*vaddr = ph.p_vaddr & ~(uint64_t)4095;
			return 0;
		}
	}
	return -1;
}

/* The type objects thread names are checked against (pynames.c). */
static const char *const type_syms[4] = {
	"PyUnicode_Type", "PyLong_Type", "PyDict_Type", "PyModule_Type",
};

static int read_elf(const char *path, struct elfinfo *info)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC);
	Elf *elf = NULL;
	GElf_Sym sym;
	int err;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (!elf || elf_kind(elf) != ELF_K_ELF) {
		err = -FE_UNSUPPORTED;
		goto out;
	}
	if (find_sym(elf, "_PyRuntime", &sym) != 0 ||
	    first_load(elf, &info->first_vaddr) != 0) {
		err = -FE_UNSUPPORTED;
		goto out;
	}
	info->runtime = sym.st_value;
	info->runtime_size = sym.st_size;
	read_version_hex(elf, info);
	read_version_string(elf, info);
	for (int i = 0; i < 4; i++)
		if (find_sym(elf, type_syms[i], &sym) == 0 &&
		    sym.st_shndx != SHN_ABS)
			info->types[i] = sym.st_value;
	err = 0;
out:
	if (elf)
		elf_end(elf);
	close(fd);
	return err;
}

/* A file mapping of /proc/PID/maps: start address, file offset, path. */
static int parse_map_line(const char *line, uint64_t *start, uint64_t *off,
			  const char **path)
{
	unsigned long long s, e, o;
	int pos = 0;

	if (sscanf(line, "%llx-%llx %*s %llx %*s %*s %n", &s, &e, &o, &pos) < 3 ||
	    pos == 0 || line[pos] != '/')
		return -1;
	*start = s;
	*off = o;
	*path = line + pos;
	return 0;
}

static int is_candidate(const char *path, const char *exe)
{
	const char *base = strrchr(path, '/');

	base = base ? base + 1 : path;
	return !strncmp(base, "libpython3", 10) ||
	       !strncmp(base, "python3", 7) || (exe && !strcmp(path, exe));
}

/* Minor version from a name like "libpython3.11.so.1.0" or "python3.9". */
static int minor_from_name(const char *path)
{
	const char *base = strrchr(path, '/'), *p;

	base = base ? base + 1 : path;
	p = strstr(base, "python3.");
	if (!p || !isdigit((unsigned char)p[8]))
		return -1;
	return atoi(p + 8);
}

static int fill_target(pid_t pid, const char *path, uint64_t start,
		       struct pytarget *t)
{
	struct elfinfo info = {0};
	char file[PATH_MAX + 32];
	int minor, err;

	snprintf(file, sizeof file, "/proc/%d/root%s", (int)pid, path);
	err = read_elf(file, &info);
	if (err)
		return err;
	t->bias = start - info.first_vaddr;
	t->runtime = t->bias + info.runtime;
	t->runtime_size = info.runtime_size;
	t->type_str = info.types[0] ? t->bias + info.types[0] : 0;
	t->type_long = info.types[1] ? t->bias + info.types[1] : 0;
	t->type_dict = info.types[2] ? t->bias + info.types[2] : 0;
	t->type_module = info.types[3] ? t->bias + info.types[3] : 0;
	if (info.version_hex)
		minor = (int)((info.version_hex >> 16) & 0xff);
	else
		minor = minor_from_name(path);
	if (minor < 0 && info.version[0])
		minor = atoi(info.version + 2);
	if (minor < 0)
		return -FE_UNSUPPORTED;
	t->minor = minor;
	if (info.version[0] && atoi(info.version + 2) == minor)
		snprintf(t->version, sizeof t->version, "%s", info.version);
	else if (info.version_hex)
		snprintf(t->version, sizeof t->version, "3.%d.%lu", minor,
			 (info.version_hex >> 8) & 0xff);
	else
		snprintf(t->version, sizeof t->version, "3.%d", minor);
	snprintf(t->path, sizeof t->path, "%s", path);
	snprintf(t->open_path, sizeof t->open_path, "%s", file);
	return 0;
}

int py_detect(pid_t pid, struct pytarget *t)
{
	char name[64], exe[PATH_MAX], line[PATH_MAX + 128];
	char tried[8][PATH_MAX];
	int ntried = 0, err = -FE_UNSUPPORTED;
	ssize_t len;
	FILE *f;

	snprintf(name, sizeof name, "/proc/%d/exe", (int)pid);
	len = readlink(name, exe, sizeof exe - 1);
	exe[len > 0 ? len : 0] = 0;
	snprintf(name, sizeof name, "/proc/%d/maps", (int)pid);
	f = fopen(name, "re");
	if (!f)
		return errno == ENOENT ? -FE_NO_TARGET : -errno;
	while (fgets(line, sizeof line, f)) {
		uint64_t start, off;
		const char *path;
		int seen = 0;

		line[strcspn(line, "\n")] = 0;
		if (parse_map_line(line, &start, &off, &path) || off != 0 ||
		    !is_candidate(path, exe))
			continue;
		for (int i = 0; i < ntried; i++)
			seen |= !strcmp(tried[i], path);
		if (seen || ntried == 8)
			continue;
		snprintf(tried[ntried++], PATH_MAX, "%s", path);
		err = fill_target(pid, path, start, t);
		if (err == 0 || err == -EACCES || err == -EPERM)
			break;
		err = -FE_UNSUPPORTED;
	}
	fclose(f);
	if (err == 0 && (t->minor < 8 || t->minor > 13))
		err = -FE_UNSUPPORTED;
	return err;
}
