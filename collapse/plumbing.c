#include "plumbing.h"
#include "../recording/recfile.h"

#include <stdlib.h>
#include <string.h>

/* C functions that only pass a call on, in some CPython 3.8-3.13.  Sorted
 * (strcmp order): looked up with bsearch.  Seen on real stacks of
 * samples/python/plumbing.py between two Python frames, or between a
 * Python frame and the C function it called; the rest are their siblings
 * in Objects/call.c, Objects/methodobject.c, Objects/descrobject.c and
 * Python/ceval.c. */
static const char *const call_names[] = {
	"PyCFunction_Call",
	"PyEval_CallFunction",
	"PyEval_CallMethod",
	"PyEval_CallObjectWithKeywords",
	"PyEval_EvalCode",
	"PyEval_EvalCodeEx",
	"PyEval_EvalFrame",
	"PyEval_EvalFrameEx",
	"PyObject_Call",
	"PyObject_CallFunction",
	"PyObject_CallFunctionObjArgs",
	"PyObject_CallMethod",
	"PyObject_CallMethodObjArgs",
	"PyObject_CallNoArgs",
	"PyObject_CallObject",
	"PyObject_CallOneArg",
	"PyObject_Vectorcall",
	"PyObject_VectorcallDict",
	"PyObject_VectorcallMethod",
	"PyVectorcall_Call",
	"_PyCFunction_FastCallDict",
	"_PyCFunction_FastCallKeywords",
	"_PyEval_EvalCode",
	"_PyEval_EvalCodeWithName",
	"_PyEval_EvalFrame",
	"_PyEval_EvalFrameDefault",
	"_PyEval_Vector",
	"_PyFunction_FastCallDict",
	"_PyFunction_FastCallKeywords",
	"_PyFunction_Vectorcall",
	"_PyMethodDef_RawFastCallDict",
	"_PyMethodDef_RawFastCallKeywords",
	"_PyMethodDescr_FastCallKeywords",
	"_PyObject_Call",
	"_PyObject_CallFunctionVa",
	"_PyObject_CallFunction_SizeT",
	"_PyObject_CallMethod",
	"_PyObject_CallMethodFormat",
	"_PyObject_CallMethodId",
	"_PyObject_CallMethodIdObjArgs",
	"_PyObject_CallMethodId_SizeT",
	"_PyObject_CallMethod_SizeT",
	"_PyObject_CallNoArg",
	"_PyObject_CallNoArgs",
	"_PyObject_CallNoArgsTstate",
	"_PyObject_Call_Prepend",
	"_PyObject_FastCall",
	"_PyObject_FastCallDict",
	"_PyObject_FastCallDictTstate",
	"_PyObject_FastCallTstate",
	"_PyObject_FastCall_Prepend",
	"_PyObject_MakeTpCall",
	"_PyObject_Vectorcall",
	"_PyObject_VectorcallDictTstate",
	"_PyObject_VectorcallMethod",
	"_PyObject_VectorcallTstate",
	"_PyVectorcall_Call",
	"call_function",
	"call_maybe",
	"call_method",
	"call_unbound",
	"call_unbound_noarg",
	"callmethod",
	"cfunction_call",
	"cfunction_call_varargs",
	"cfunction_vectorcall_FASTCALL",
	"cfunction_vectorcall_FASTCALL_KEYWORDS",
	"cfunction_vectorcall_FASTCALL_KEYWORDS_METHOD",
	"cfunction_vectorcall_NOARGS",
	"cfunction_vectorcall_O",
	"classmethoddescr_call",
	"do_call_core",
	"function_call",
	"function_code_fastcall",
	"instancemethod_call",
	"method_call",
	"method_vectorcall",
	"method_vectorcall_FASTCALL",
	"method_vectorcall_FASTCALL_KEYWORDS",
	"method_vectorcall_FASTCALL_KEYWORDS_METHOD",
	"method_vectorcall_NOARGS",
	"method_vectorcall_O",
	"method_vectorcall_VARARGS",
	"method_vectorcall_VARARGS_KEYWORDS",
	"object_vacall",
	"partial_call",
	"partial_vectorcall",
	"partial_vectorcall_fallback",
	"sm_call",
	"vectorcall_maybe",
	"vectorcall_method",
	"vectorcall_unbound",
	"wrap_call",
	"wrapper_call",
	"wrapperdescr_call",
};

/* Functions that do work of their own (iterate, look an attribute up,
 * create an object) and call Python code on the way: folded only when the
 * next frame kept towards the leaf is a Python frame.  Sorted. */
static const char *const bridge_names[] = {
	"PyIter_Next",
	"PyIter_Send",
	"PyObject_GenericGetAttr",
	"PyObject_GetAttr",
	"_PyGen_Send",
	"_PyObject_GenericGetAttrWithDict",
	"_PyObject_LookupAttr",
	"_gen_throw",
	"async_gen_asend_iternext",
	"async_gen_asend_send",
	"async_gen_athrow_iternext",
	"async_gen_athrow_send",
	"call_attribute",
	"coro_wrapper_iternext",
	"coro_wrapper_send",
	"gen_iternext",
	"gen_send",
	"gen_send_ex",
	"gen_send_ex2",
	"gen_throw",
	"property_descr_get",
	"type_call",
};

static int cmp_name(const void *key, const void *elt)
{
	return strcmp(key, *(const char *const *)elt);
}

static int in_list(const char *name, const char *const *list, size_t n)
{
	return bsearch(name, list, n, sizeof *list, cmp_name) != NULL;
}

/* 3.13's _Py_InitCleanup: a code object named "__init__" in a file
 * "__init__", run between a class call and the class's __init__. */
static int is_init_shim(const char *name, size_t len)
{
	static const char pre[] = "__init__ (__init__";
	size_t pl = sizeof pre - 1, i;

	if (len <= pl || memcmp(name, pre, pl) || name[len - 1] != ')')
		return 0;
	if (len == pl + 1)
		return 1;
	if (name[pl] != ':' || len < pl + 3)
		return 0;
	for (i = pl + 1; i < len - 1; i++)
		if (name[i] < '0' || name[i] > '9')
			return 0;
	return 1;
}

enum plumb plumb_class(const char *name, size_t len, int kind)
{
	char buf[64];
	const char *dot;

	if (kind == FK_PYTHON)
		return is_init_shim(name, len) ? PLUMB_CALL : PLUMB_NONE;
	if (kind != FK_NATIVE && kind != FK_INLINE)
		return PLUMB_NONE;
	/* compiler clones and parts: "f.cold", "f.lto_priv.0", "f.isra.0" */
	dot = memchr(name, '.', len);
	if (dot)
		len = (size_t)(dot - name);
	if (len == 0 || len >= sizeof buf)
		return PLUMB_NONE;
	memcpy(buf, name, len);
	buf[len] = '\0';
	if (in_list(buf, call_names, sizeof call_names / sizeof *call_names))
		return PLUMB_CALL;
	if (in_list(buf, bridge_names,
		    sizeof bridge_names / sizeof *bridge_names) ||
	    !strncmp(buf, "slot_", 5))
		return PLUMB_BRIDGE;
	return PLUMB_NONE;
}
