# Work - an Elixir workload whose CPU is spent in an anonymous function
# with a known parent:
#
#   Work.loop/2 -> Work.sums/1 -> Enum.reduce/3 -> ... ->
#       anonymous fn/2 in Work.sums/1      (the fn x, acc -> ... end)
#
# for SECONDS, then exits.  The JIT names the fn '-sums/1-fun-0-'/2;
# flamer shows it as Elixir does.
#
#   ELIXIR_ERL_OPTIONS="+JPperf map" elixir anon.exs SECONDS
defmodule Work do
  def main([secs]) do
    loop(now() + String.to_integer(secs) * 1000, 0)
  end

  def loop(stop, acc) do
    if now() < stop, do: loop(stop, acc + sums(20000)), else: acc
  end

  def sums(n), do: Enum.reduce(1..n, 0, fn x, acc -> acc + rem(x * x, 7) end)

  defp now, do: System.monotonic_time(:millisecond)
end

Work.main(System.argv())
