#include "../commands.h"
#include "../common/error.h"
#include "../common/log.h"

/* placeholder until the command lands */
int cmd_record(int argc, char **argv)
{
	fl_error(argv[0], "not built yet");
	return FLAMER_EXIT_FAIL;
}
