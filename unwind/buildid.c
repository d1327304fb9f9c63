#include "buildid.h"

#include <elfutils/libdwelf.h>
#include <errno.h>
#include <fcntl.h>
#include <gelf.h>
#include <unistd.h>

void buildid_hex(const unsigned char *id, size_t n, char *out, size_t len)
{
	static const char digits[] = "0123456789abcdef";
	size_t o = 0;

	for (size_t i = 0; i < n && o + 2 < len; i++) {
		out[o++] = digits[id[i] >> 4];
		out[o++] = digits[id[i] & 15];
	}
	if (len)
		out[o] = '\0';
}

int buildid_read(const char *path, char *hex, size_t len)
{
	int fd = open(path, O_RDONLY | O_CLOEXEC), err = -ENOENT;
	const void *id;
	ssize_t n;
	Elf *elf;

	if (fd < 0)
		return -errno;
	elf_version(EV_CURRENT);
	elf = elf_begin(fd, ELF_C_READ_MMAP, NULL);
	if (elf) {
		n = dwelf_elf_gnu_build_id(elf, &id);
		if (n > 0) {
			buildid_hex(id, (size_t)n, hex, len);
			err = 0;
		}
		elf_end(elf);
	}
	close(fd);
	return err;
}
