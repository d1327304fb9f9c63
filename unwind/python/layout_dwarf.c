/* layout_dwarf.c - CPython struct offsets from the interpreter's own DWARF.
 *
 * libdwfl finds the DWARF: in the file itself (pyenv's libpython), or in a
 * separate file by build-id under /usr/lib/debug/.build-id or through
 * .gnu_debuglink (Debian's python3.11 with python3.11-dbg).  The top-level
 * DIEs of each compilation unit are scanned for the structs of PY_STRUCTS
 * (by typedef or tag name, definitions only) until every struct the version
 * has is found; member offsets are then read by path ("interpreters.head").
 */
#include "pyint.h"
#include "../../common/debuginfo.h"

#include "../../common/error.h"

#include <dwarf.h>
#include <elfutils/libdw.h>
#include <elfutils/libdwfl.h>
#include <errno.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>

struct struct_spec {
	const char *names;
	int lo, hi;
};

static const struct struct_spec structs[PS_COUNT_] = {
#define PY_STRUCT_SPEC_(id, names, lo, hi) [id] = {names, lo, hi},
	PY_STRUCTS(PY_STRUCT_SPEC_)
#undef PY_STRUCT_SPEC_
};

struct field_spec {
	int s1, s2;
	const char *path;
};

static const struct field_spec fields[] = {
#define PY_FIELD_SPEC_(name, s1, s2, path) {s1, s2, path},
	PY_FIELDS(PY_FIELD_SPEC_)
#undef PY_FIELD_SPEC_
};

/* Is name one of the '|'-separated alternatives of list? */
static int name_in(const char *name, const char *list)
{
	size_t n = strlen(name);

	for (const char *p = list; p;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);

		if (len == n && !memcmp(p, name, n))
			return 1;
		p = bar ? bar + 1 : NULL;
	}
	return 0;
}

/* Follow DW_AT_type through typedefs and qualifiers. */
static int peel_type(Dwarf_Die *die, Dwarf_Die *out)
{
	Dwarf_Attribute a;
	Dwarf_Die cur = *die;

	for (int i = 0; i < 16; i++) {
		if (!dwarf_attr_integrate(&cur, DW_AT_type, &a) ||
		    !dwarf_formref_die(&a, out))
			return -1;
		int tag = dwarf_tag(out);
		if (tag != DW_TAG_typedef && tag != DW_TAG_const_type &&
		    tag != DW_TAG_volatile_type)
			return 0;
		cur = *out;
	}
	return -1;
}

static int is_definition(Dwarf_Die *die)
{
	Dwarf_Die child;

	return (dwarf_tag(die) == DW_TAG_structure_type ||
		dwarf_tag(die) == DW_TAG_union_type) &&
	       !dwarf_hasattr(die, DW_AT_declaration) &&
	       dwarf_child(die, &child) == 0;
}

struct found {
	Dwarf_Die die[PS_COUNT_];
	int have[PS_COUNT_];
};

static int wanted(int minor, int s)
{
	return minor >= structs[s].lo && minor <= structs[s].hi;
}

static void consider(Dwarf_Die *die, int minor, struct found *f)
{
	int tag = dwarf_tag(die);
	const char *name;
	Dwarf_Die def;

	if (tag != DW_TAG_structure_type && tag != DW_TAG_typedef)
		return;
	name = dwarf_diename(die);
	if (!name)
		return;
	for (int s = 0; s < PS_COUNT_; s++) {
		if (f->have[s] || !name_in(name, structs[s].names))
			continue;
		if (tag == DW_TAG_structure_type && is_definition(die))
			def = *die;
		else if (tag != DW_TAG_typedef || peel_type(die, &def) ||
			 !is_definition(&def))
			continue;
		f->die[s] = def;
		f->have[s] = 1;
	}
}

static int all_found(int minor, const struct found *f)
{
	for (int s = 0; s < PS_COUNT_; s++)
		if (wanted(minor, s) && !f->have[s])
			return 0;
	return 1;
}

static void scan_units(Dwarf *dw, int minor, struct found *f)
{
	Dwarf_CU *cu = NULL;
	Dwarf_Die cudie, child;
	uint8_t unit_type;

	while (!all_found(minor, f) &&
	       dwarf_get_units(dw, cu, &cu, NULL, &unit_type, &cudie, NULL) == 0) {
		if (dwarf_child(&cudie, &child) != 0)
			continue;
		do
			consider(&child, minor, f);
		while (dwarf_siblingof(&child, &child) == 0);
	}
}

/* Offset of member `name` (len bytes) in struct die, looking into anonymous
 * struct/union members too; *member gets its DIE. */
static int member_offset(Dwarf_Die *die, const char *name, size_t len,
			 Dwarf_Die *member, int depth)
{
	Dwarf_Die child, type;
	Dwarf_Attribute a;
	Dwarf_Word off;

	if (depth > 4 || dwarf_child(die, &child) != 0)
		return -1;
	do {
		if (dwarf_tag(&child) != DW_TAG_member)
			continue;
		off = 0;
		if (dwarf_attr_integrate(&child, DW_AT_data_member_location, &a) &&
		    dwarf_formudata(&a, &off) != 0)
			continue;
		const char *n = dwarf_diename(&child);
		if (n && strlen(n) == len && !memcmp(n, name, len)) {
			*member = child;
			return (int)off;
		}
		if (!n && peel_type(&child, &type) == 0 && is_definition(&type)) {
			int inner = member_offset(&type, name, len, member,
						  depth + 1);
			if (inner >= 0)
				return (int)off + inner;
		}
	} while (dwarf_siblingof(&child, &child) == 0);
	return -1;
}

/* Offset of a dotted path ("interpreters.head") of len bytes in die. */
static int path_offset(Dwarf_Die *die, const char *path, size_t len)
{
	Dwarf_Die cur = *die, member, type;
	int total = 0;

	if (len == 0) {
		Dwarf_Word size;
		Dwarf_Attribute a;
		if (!dwarf_attr_integrate(die, DW_AT_byte_size, &a) ||
		    dwarf_formudata(&a, &size) != 0)
			return -1;
		return (int)size;
	}
	for (;;) {
		const char *dot = memchr(path, '.', len);
		size_t n = dot ? (size_t)(dot - path) : len;
		int off = member_offset(&cur, path, n, &member, 0);

		if (off < 0)
			return -1;
		total += off;
		if (!dot)
			return total;
		if (peel_type(&member, &type) != 0 || !is_definition(&type))
			return -1;
		cur = type;
		len -= n + 1;
		path = dot + 1;
	}
}

/* First alternative of a '|' list of paths found in die, or -1. */
static int alt_offset(Dwarf_Die *die, const char *paths)
{
	for (const char *p = paths;;) {
		const char *bar = strchr(p, '|');
		size_t len = bar ? (size_t)(bar - p) : strlen(p);
		int off = path_offset(die, p, len);

		if (off >= 0 || !bar)
			return off;
		p = bar + 1;
	}
}

static void fill_layout(struct found *f, struct pylayout *l)
{
	for (size_t i = 0; i < py_field_count(); i++) {
		const struct field_spec *fs = &fields[i];
		int32_t *dst = py_field_at(l, i);
		int s = f->have[fs->s1] ? fs->s1 : fs->s2;

		/* a struct outside its versions (PyBytesObject after 3.10)
		 * gives nothing: the version does not use it */
		*dst = f->have[s] && wanted(l->minor, s) ?
			       alt_offset(&f->die[s], fs->path) : -1;
	}
}


int pylayout_from_dwarf(const char *path, struct pylayout *l, char **source)
{
	static const Dwfl_Callbacks cb = {
		.find_elf = dwfl_build_id_find_elf,
		.find_debuginfo = dwfl_standard_find_debuginfo,
		.section_address = dwfl_offline_section_address,
		.debuginfo_path = &fl_debuginfo_path,
	};
	struct found *f = calloc(1, sizeof *f);
	Dwfl *dwfl;
	const char *debugfile = NULL, *mainfile = NULL;
	Dwfl_Module *mod;
	Dwarf_Addr bias;
	Dwarf *dw;
	int err;

	fl_debuginfo_init();
	dwfl = dwfl_begin(&cb);
	if (!f || !dwfl) {
		err = -ENOMEM;
		goto out;
	}
	mod = dwfl_report_offline(dwfl, "", path, -1);
	dwfl_report_end(dwfl, NULL, NULL);
	if (!mod) {
		err = -ENOENT;
		goto out;
	}
	dw = dwfl_module_getdwarf(mod, &bias);
	if (!dw) {
		err = -FE_NO_DEBUGINFO;
		goto out;
	}
	scan_units(dw, l->minor, f);
	fill_layout(f, l);
	err = pylayout_check(l);
	if (err)
		goto out;
	dwfl_module_info(mod, NULL, NULL, NULL, NULL, NULL, &mainfile,
			 &debugfile);
	if (asprintf(source, "DWARF %s", debugfile ? debugfile :
			     mainfile ? mainfile : path) < 0) {
		err = -ENOMEM;
		goto out;
	}
	err = 0;
out:
	if (dwfl)
		dwfl_end(dwfl);
	free(f);
	return err;
}
