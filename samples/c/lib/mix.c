/* libmix.so - the frameless half of samples/c/mixed.c.
 *
 * Built with -fomit-frame-pointer: mix_walk and mix_leaf set up no frame,
 * so a frame-pointer walk through them skips their callers.
 */
volatile unsigned long mix_sink;

/* A frameless leaf: a loop, no calls, rbp untouched. */
__attribute__((noinline)) void mix_leaf(unsigned long n)
{
	unsigned long x = mix_sink;

	for (unsigned long i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	mix_sink = x;
}

/* Calls back into the program (which has frame pointers) n times. */
__attribute__((noinline)) void mix_walk(void (*cb)(void), int n)
{
	for (int i = 0; i < n; i++)
		cb();
	mix_sink++;
}
