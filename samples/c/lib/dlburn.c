/* libdlburn.so - loaded with dlopen by samples/c/callbacks.c after the
 * program has been running for a while: dl_outer -> dl_leaf burn CPU. */
volatile unsigned long dl_sink;

__attribute__((noinline)) void dl_leaf(unsigned long n)
{
	unsigned long x = dl_sink;

	for (unsigned long i = 0; i < n; i++)
		x = x * 2862933555777941757ULL + 3037000493ULL;
	dl_sink = x;
}

__attribute__((noinline)) void dl_outer(void)
{
	dl_leaf(200000);
	dl_sink++;
}
