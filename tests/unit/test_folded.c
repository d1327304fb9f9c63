/* Unit tests for common/folded.c: the collapsed-stack line parser. */
#include "check.h"

#include "../../common/error.h"
#include "../../common/folded.h"

#include <stdlib.h>

static int parse(const char *s, struct folded_line *fl)
{
	return folded_parse_line(s, strlen(s), fl);
}

static int stack_is(const struct folded_line *fl, const char *want)
{
	return fl->stack_len == strlen(want) &&
	       !memcmp(fl->stack, want, fl->stack_len);
}

static void test_simple(void)
{
	struct folded_line fl;

	CHECK(parse("a;b;c 12\n", &fl) == 0);
	CHECK(stack_is(&fl, "a;b;c"));
	CHECK(fl.count == 12 && !fl.has_count2);
	CHECK(parse("a;b;c 12\r\n", &fl) == 0 && fl.count == 12);
	CHECK(parse("main 0.25", &fl) == 0 && fl.count == 0.25);
	CHECK(parse("main 1e3", &fl) == 0 && fl.count == 1000);
	CHECK(parse("main\t7", &fl) == 0 && stack_is(&fl, "main"));
	CHECK(parse("main   7   ", &fl) == 0 && stack_is(&fl, "main") &&
	      fl.count == 7);
	CHECK(parse("main 0", &fl) == 0 && fl.count == 0);
}

static void test_spaces_in_names(void)
{
	struct folded_line fl;

	CHECK(parse("python;handler (app.py);run (lib/x.py:12) 5", &fl) == 0);
	CHECK(stack_is(&fl, "python;handler (app.py);run (lib/x.py:12)"));
	CHECK(fl.count == 5 && !fl.has_count2);
	CHECK(parse("beam;'Elixir.MyApp.Worker':run/2 3", &fl) == 0 &&
	      fl.count == 3);
}

static void test_differential(void)
{
	struct folded_line fl;

	CHECK(parse("a;b 10 15\n", &fl) == 0);
	CHECK(stack_is(&fl, "a;b"));
	CHECK(fl.has_count2 && fl.count == 10 && fl.count2 == 15);
	/* two numbers but nothing before them: the first is the stack */
	CHECK(parse("12 34", &fl) == 0);
	CHECK(stack_is(&fl, "12") && fl.count == 34 && !fl.has_count2);
	/* a frame ending in text is not mistaken for a count */
	CHECK(parse("a;x2 9", &fl) == 0 && stack_is(&fl, "a;x2"));
}

static void test_malformed(void)
{
	struct folded_line fl;
	static const char nul[] = "a;b\0c 5";

	CHECK(parse("", &fl) == -FE_SYNTAX);
	CHECK(parse("\n", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c x", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c -5", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c nan", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c inf", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c 1e999", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c 5x", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c 1e", &fl) == -FE_SYNTAX);
	CHECK(parse("a;b;c .", &fl) == -FE_SYNTAX);
	CHECK(parse(" 5", &fl) == -FE_SYNTAX);
	CHECK(parse("5", &fl) == -FE_SYNTAX);
	CHECK(folded_parse_line(nul, sizeof nul - 1, &fl) == -FE_SYNTAX);
	/* a 1000-digit number is not a count */
	{
		char *s = malloc(1010);

		memcpy(s, "a ", 2);
		memset(s + 2, '9', 1000);
		s[1002] = '\0';
		CHECK(parse(s, &fl) == -FE_SYNTAX);
		free(s);
	}
}

/* The parser must never read past len: parse a prefix of a longer buffer. */
static void test_bounds(void)
{
	struct folded_line fl;
	const char *s = "a;b 1 2 3";

	CHECK(folded_parse_line(s, 5, &fl) == 0);
	CHECK(stack_is(&fl, "a;b") && fl.count == 1 && !fl.has_count2);
	CHECK(folded_parse_line(s, 3, &fl) == -FE_SYNTAX);
	CHECK(folded_parse_line(s, 0, &fl) == -FE_SYNTAX);
	/* heap copy with no terminator, so ASan sees an overread */
	{
		char *h = malloc(7);

		memcpy(h, "xy 42 7", 7);
		CHECK(folded_parse_line(h, 7, &fl) == 0);
		CHECK(stack_is(&fl, "xy") && fl.count == 42 && fl.count2 == 7);
		free(h);
	}
}

static void test_count(void)
{
	double d = -1;

	CHECK(folded_parse_count("3.5", 3, &d) == 0 && d == 3.5);
	CHECK(folded_parse_count(".5", 2, &d) == 0 && d == 0.5);
	CHECK(folded_parse_count("5.", 2, &d) == 0 && d == 5);
	CHECK(folded_parse_count("+5", 2, &d) == -FE_SYNTAX);
	CHECK(folded_parse_count("", 0, &d) == -FE_SYNTAX);
}

#define TESTS(X)                                                            \
	X(test_simple)                                                      \
	X(test_spaces_in_names)                                             \
	X(test_differential)                                                \
	X(test_malformed)                                                   \
	X(test_bounds)                                                      \
	X(test_count)
CHECK_MAIN(TESTS)
