/* check.h - the minimal unit-test harness of flamer's C tests.
 *
 * A test file defines `static void test_xxx(void)` functions and a
 * `TESTS(X)` list, then `CHECK_MAIN(TESTS)`.  CHECK() records a failure with
 * file:line and goes on; the binary exits 1 when any check failed and prints
 * "N passed, N failed" (checks) at the end.
 */
#ifndef FLAMER_TESTS_CHECK_H
#define FLAMER_TESTS_CHECK_H

#include <stdio.h>
#include <string.h>

static int check_passed, check_failed;

#define CHECK(cond)                                                         \
	do {                                                                \
		if (cond) {                                                 \
			check_passed++;                                     \
		} else {                                                    \
			check_failed++;                                     \
			fprintf(stderr, "%s:%d: CHECK failed: %s\n",        \
				__FILE__, __LINE__, #cond);                  \
		}                                                           \
	} while (0)

#define CHECK_STR(a, b)                                                     \
	do {                                                                \
		const char *check_a_ = (a), *check_b_ = (b);                \
		if (check_a_ && check_b_ && !strcmp(check_a_, check_b_)) {  \
			check_passed++;                                     \
		} else {                                                    \
			check_failed++;                                     \
			fprintf(stderr, "%s:%d: '%s' != '%s'\n", __FILE__,  \
				__LINE__, check_a_ ? check_a_ : "(null)",   \
				check_b_ ? check_b_ : "(null)");            \
		}                                                           \
	} while (0)

#define CHECK_RUN_(fn) fprintf(stderr, "-- %s\n", #fn), fn();
#define CHECK_MAIN(list)                                                    \
	int main(void)                                                      \
	{                                                                   \
		list(CHECK_RUN_)                                            \
		printf("%d passed, %d failed\n", check_passed, check_failed); \
		return check_failed ? 1 : 0;                                \
	}

#endif
