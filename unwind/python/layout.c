/* layout.c - the field list of struct pylayout, its completeness check, and
 * the layout 3.13+ publishes in _Py_DebugOffsets. */
#include "pyint.h"

#include "../../common/error.h"

#include <string.h>

const char *const py_field_names[] = {
#define PY_FIELD_NAME_(name, s1, s2, path) #name,
	PY_FIELDS(PY_FIELD_NAME_)
#undef PY_FIELD_NAME_
};

static const size_t field_offsets[] = {
#define PY_FIELD_OFF_(name, s1, s2, path) offsetof(struct pylayout, name),
	PY_FIELDS(PY_FIELD_OFF_)
#undef PY_FIELD_OFF_
};

size_t py_field_count(void)
{
	return sizeof field_offsets / sizeof field_offsets[0];
}

int32_t *py_field_at(struct pylayout *l, size_t i)
{
	return (int32_t *)((char *)l + field_offsets[i]);
}

int pylayout_check(const struct pylayout *l)
{
	int m = l->minor;
	int ok = l->rt_interp_head >= 0 && l->is_next >= 0 &&
		 l->is_threads_head >= 0 && l->ts_next >= 0 &&
		 l->ts_thread_id >= 0 && l->fr_previous >= 0 &&
		 l->fr_code >= 0 && l->fr_instr >= 0 && l->co_filename >= 0 &&
		 l->co_name >= 0 && l->co_firstlineno >= 0 &&
		 l->co_linetable >= 0 && l->str_length >= 0 &&
		 l->str_state >= 0 && l->str_ascii_size > 0 &&
		 l->str_compact_size > 0;

	if (m < PY_MIN_MINOR || m > PY_MAX_MINOR)
		return -FE_UNSUPPORTED;
	if (m <= 10 || m >= 13)
		ok = ok && l->ts_frame >= 0;
	if (m >= 11 && m <= 12)
		ok = ok && l->ts_cframe >= 0 && l->cf_current_frame >= 0;
	if (m == 11)
		ok = ok && l->fr_is_entry >= 0;
	if (m >= 11)
		ok = ok && l->fr_owner >= 0 && l->co_qualname >= 0 &&
		     l->co_code_adaptive >= 0 && l->ts_native_thread_id >= 0;
	return ok ? 0 : -FE_NO_DEBUGINFO;
}

static const size_t name_offsets[] = {
#define PY_NAME_OFF_(name, s1, s2, path) offsetof(struct pylayout, name),
	PY_NAME_FIELDS(PY_NAME_OFF_)
#undef PY_NAME_OFF_
};

static int is_name_field(size_t off)
{
	for (size_t i = 0; i < sizeof name_offsets / sizeof *name_offsets; i++)
		if (name_offsets[i] == off)
			return 1;
	return 0;
}

int pylayout_names_check(const struct pylayout *l)
{
	int m = l->minor;
	int ok = l->rt_interp_main >= 0 && l->is_modules >= 0 &&
		 l->ob_type >= 0 && l->ob_sizeof > 0 && l->tp_basicsize >= 0 &&
		 l->tp_dictoffset >= 0 && l->tp_flags >= 0 && l->md_dict >= 0 &&
		 l->lg_size >= 0 && l->lg_digit >= 0 && l->ma_keys >= 0 &&
		 l->ma_values >= 0 && l->dk_nentries >= 0 &&
		 l->dk_indices >= 0 && l->de_sizeof > 0 && l->de_key >= 0 &&
		 l->de_value >= 0 && l->str_length >= 0 && l->str_state >= 0;

	if (m <= 10)
		ok = ok && l->dk_size >= 0;
	else
		ok = ok && l->dk_log2_size >= 0 &&
		     l->dk_log2_index_bytes >= 0 && l->dk_kind >= 0 &&
		     l->due_sizeof > 0 && l->due_key >= 0 &&
		     l->due_value >= 0 && l->dv_values >= 0 &&
		     l->ht_cached_keys >= 0;
	if (m >= 13)
		ok = ok && l->dv_valid >= 0;
	return ok ? 0 : -FE_NO_DEBUGINFO;
}

/* _Py_DebugOffsets does not publish the offsets thread names are read
 * with: they come from the built-in table of the same version when every
 * published offset equals that table's (a default release build), else
 * they stay unset and no names are read. */
static void names_from_builtin(struct pylayout *d)
{
	const struct pylayout *b = pylayout_builtin(d->minor);
	struct pylayout t;

	if (!b)
		return;
	t = *b;
	for (size_t i = 0; i < py_field_count(); i++) {
		int32_t v = *py_field_at(d, i);

		if (!is_name_field(field_offsets[i]) && v >= 0 &&
		    v != *py_field_at(&t, i))
			return;
	}
	for (size_t i = 0; i < py_field_count(); i++)
		if (is_name_field(field_offsets[i]))
			*py_field_at(d, i) = *py_field_at(&t, i);
}

/* Offsets (in bytes) of the uint64_t fields of 3.13's _Py_DebugOffsets. */
enum {
	DO_VERSION = 8,
	DO_FREE_THREADED = 16,
	DO_RT_INTERP_HEAD = 40,
	DO_IS_NEXT = 64,
	DO_IS_THREADS_HEAD = 72,
	DO_TS_NEXT = 168,
	DO_TS_INTERP = 176,
	DO_TS_CURRENT_FRAME = 184,
	DO_TS_THREAD_ID = 192,
	DO_TS_NATIVE_THREAD_ID = 200,
	DO_FR_PREVIOUS = 232,
	DO_FR_EXECUTABLE = 240,
	DO_FR_INSTR_PTR = 248,
	DO_FR_OWNER = 264,
	DO_CO_FILENAME = 280,
	DO_CO_NAME = 288,
	DO_CO_QUALNAME = 296,
	DO_CO_LINETABLE = 304,
	DO_CO_FIRSTLINENO = 312,
	DO_CO_CODE_ADAPTIVE = 344,
	DO_STR_STATE = 544,
	DO_STR_LENGTH = 552,
	DO_STR_ASCII_SIZE = 560,
	DO_END = 584,
};

static int32_t get_off(const unsigned char *buf, size_t at)
{
	uint64_t v;

	memcpy(&v, buf + at, sizeof v);
	return v < 65536 ? (int32_t)v : -1;
}

int pylayout_from_debug_offsets(const unsigned char *buf, size_t len,
				struct pylayout *l)
{
	uint64_t version, free_threaded;
	struct pylayout d;

	if (len < DO_END || memcmp(buf, "xdebugpy", 8) != 0)
		return -FE_UNSUPPORTED;
	memcpy(&version, buf + DO_VERSION, sizeof version);
	memcpy(&free_threaded, buf + DO_FREE_THREADED, sizeof free_threaded);
	/* The struct is only stable within one minor version (3.13 here), and
	 * free-threaded builds have other object headers. */
	if ((version >> 16) != 0x030d || free_threaded != 0)
		return -FE_UNSUPPORTED;
	memset(&d, 0xff, sizeof d);
	d.minor = 13;
	d.rt_interp_head = get_off(buf, DO_RT_INTERP_HEAD);
	d.is_next = get_off(buf, DO_IS_NEXT);
	d.is_threads_head = get_off(buf, DO_IS_THREADS_HEAD);
	d.ts_next = get_off(buf, DO_TS_NEXT);
	d.ts_interp = get_off(buf, DO_TS_INTERP);
	d.ts_frame = get_off(buf, DO_TS_CURRENT_FRAME);
	d.ts_thread_id = get_off(buf, DO_TS_THREAD_ID);
	d.ts_native_thread_id = get_off(buf, DO_TS_NATIVE_THREAD_ID);
	d.fr_previous = get_off(buf, DO_FR_PREVIOUS);
	d.fr_code = get_off(buf, DO_FR_EXECUTABLE);
	d.fr_instr = get_off(buf, DO_FR_INSTR_PTR);
	d.fr_owner = get_off(buf, DO_FR_OWNER);
	d.co_filename = get_off(buf, DO_CO_FILENAME);
	d.co_name = get_off(buf, DO_CO_NAME);
	d.co_qualname = get_off(buf, DO_CO_QUALNAME);
	d.co_linetable = get_off(buf, DO_CO_LINETABLE);
	d.co_firstlineno = get_off(buf, DO_CO_FIRSTLINENO);
	d.co_code_adaptive = get_off(buf, DO_CO_CODE_ADAPTIVE);
	d.str_state = get_off(buf, DO_STR_STATE);
	d.str_length = get_off(buf, DO_STR_LENGTH);
	d.str_ascii_size = get_off(buf, DO_STR_ASCII_SIZE);
	/* PyCompactUnicodeObject = PyASCIIObject + utf8_length + utf8. */
	d.str_compact_size = d.str_ascii_size < 0 ? -1 : d.str_ascii_size + 16;
	if (pylayout_check(&d) != 0)
		return -FE_UNSUPPORTED;
	names_from_builtin(&d);
	*l = d;
	return 0;
}
