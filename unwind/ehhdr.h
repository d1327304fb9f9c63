/* ehhdr.h - lookups in an ELF's .eh_frame_hdr binary-search table: where
 * the function holding an address starts, for code without symbols (the
 * unwinder's check of return addresses read live, addrspace_unwind.c).
 * The section's bytes are the target's file: untrusted, bounds-checked. */
#ifndef FLAMER_UNWIND_EHHDR_H
#define FLAMER_UNWIND_EHHDR_H

#include <stddef.h>
#include <stdint.h>

/* In the .eh_frame_hdr hdr (len bytes, borrowed; at its address in the
 * file's address space, sh_addr): the initial location of the last FDE
 * that starts at or below pc, or 0 when there is none or the section is
 * malformed.  Only the encodings linkers write are read (version 1, a
 * udata4 count, a datarel sdata4 table). */
uint64_t ehhdr_lookup(const unsigned char *hdr, size_t len, uint64_t at,
		      uint64_t pc);

#endif
