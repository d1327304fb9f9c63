#include "error.h"

#include <stdlib.h>
#include <string.h>

static const char *const fe_messages[] = {
#define FLAMER_ERROR_MSG_(name, msg) [name - FE_BASE_ - 1] = msg,
	FLAMER_ERRORS(FLAMER_ERROR_MSG_)
#undef FLAMER_ERROR_MSG_
};

const char *flamer_strerror(int err)
{
	if (err < 0)
		err = -err;
	if (err > FE_BASE_ && err < FE_END_)
		return fe_messages[err - FE_BASE_ - 1];
	if (err == 0)
		return "success";
	return strerror(err);
}
