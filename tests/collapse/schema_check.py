#!/usr/bin/env python3
"""schema_check.py SCHEMA JSON [FOLDED] - validate a speedscope file.

A small JSON-Schema (draft-07) validator for the keywords speedscope's
schema uses ($ref, type, properties, required, items, anyOf, const, enum),
written with the standard library only (jsonschema is not installed here).
With FOLDED, also checks that every frame index is in range, that each
profile has one weight per sample, and that the weights add up to the
total of the collapsed output.  Exits 1 with a message on the first error.
"""
import json
import sys

TYPES = {
    "object": dict, "array": list, "string": str, "boolean": bool,
    "number": (int, float), "integer": int, "null": type(None),
}


def resolve(root, ref):
    assert ref.startswith("#/"), ref
    node = root
    for part in ref[2:].split("/"):
        node = node[part]
    return node


def validate(root, schema, value, path="$"):
    """Returns None or a message."""
    if "$ref" in schema:
        return validate(root, resolve(root, schema["$ref"]), value, path)
    if "anyOf" in schema:
        errs = [validate(root, s, value, path) for s in schema["anyOf"]]
        if all(errs):
            return "%s: matches none of anyOf (%s)" % (path, "; ".join(errs))
    t = schema.get("type")
    if t:
        ok = isinstance(value, TYPES[t]) and not (
            t in ("number", "integer") and isinstance(value, bool))
        if not ok:
            return "%s: not of type %s" % (path, t)
    if "const" in schema and value != schema["const"]:
        return "%s: %r is not %r" % (path, value, schema["const"])
    if "enum" in schema and value not in schema["enum"]:
        return "%s: %r not in %r" % (path, value, schema["enum"])
    if isinstance(value, dict):
        for key in schema.get("required", []):
            if key not in value:
                return "%s: missing %s" % (path, key)
        for key, sub in schema.get("properties", {}).items():
            if key in value:
                err = validate(root, sub, value[key], path + "." + key)
                if err:
                    return err
    if isinstance(value, list) and "items" in schema:
        for i, item in enumerate(value):
            err = validate(root, schema["items"], item, "%s[%d]" % (path, i))
            if err:
                return err
    return None


def main():
    schema = json.load(open(sys.argv[1]))
    doc = json.load(open(sys.argv[2], encoding="utf-8"))
    top = schema.get("$ref") and resolve(schema, schema["$ref"]) or schema
    err = validate(schema, top, doc)
    if err:
        sys.exit("schema: " + err)
    nframes = len(doc["shared"]["frames"])
    total = 0
    for p in doc["profiles"]:
        if len(p["samples"]) != len(p["weights"]):
            sys.exit("profile %s: samples and weights differ in length" % p["name"])
        for s in p["samples"]:
            if not s or any(i < 0 or i >= nframes or i != int(i) for i in s):
                sys.exit("profile %s: bad frame index in %r" % (p["name"], s))
        total += sum(p["weights"])
        if p["endValue"] - p["startValue"] != sum(p["weights"]):
            sys.exit("profile %s: endValue - startValue is not the total" % p["name"])
    if len(sys.argv) > 3:
        want = 0
        for line in open(sys.argv[3], encoding="utf-8", errors="replace"):
            want += float(line.rsplit(" ", 1)[1])
        if abs(want - total) > 1e-6 * max(1, want):
            sys.exit("weights total %s, folded total %s" % (total, want))
    print("ok: %d profiles, %d frames, total %s" % (len(doc["profiles"]), nframes, total))


main()
