# MyApp.Worker - an Elixir workload with a known call tree.
#
#   MyApp.Worker.run/2 -> MyApp.Worker.crunch/1 (pure Elixir, recursive)
#   MyApp.Worker.run/2 -> MyApp.Worker.pack/1 -> :erlang.term_to_binary/1
# alternating 20 ms phases for SECONDS, then exits.  Writes the OS pid of
# the VM to PIDFILE first.
#
#   ELIXIR_ERL_OPTIONS="+JPperf map" elixir worker.exs SECONDS PIDFILE
defmodule MyApp.Worker do
  @phase_ms 20

  def main([secs, pidfile]) do
    File.write!(pidfile, System.pid())
    stop = now() + String.to_integer(secs) * 1000
    term = for i <- 1..2000, do: {i, "payload", [i, i + 1], :atom, 3.25}
    run(term, stop)
  end

  def run(term, stop) do
    t = now()

    if t < stop do
      a = pack_until(term, t + @phase_ms)
      b = crunch_until(t + 2 * @phase_ms)
      run(term, stop + 0 * (a + b))
    else
      :ok
    end
  end

  defp now, do: System.monotonic_time(:millisecond)

  def pack_until(term, until) do
    size = pack(term)
    if now() >= until, do: size, else: pack_until(term, until)
  end

  def pack(term) do
    bin = :erlang.term_to_binary(term)
    byte_size(bin)
  end

  def crunch_until(until) do
    r = crunch(18)
    if now() >= until, do: r, else: crunch_until(until)
  end

  def crunch(0), do: 0
  def crunch(1), do: 1
  def crunch(n), do: crunch(n - 1) + crunch(n - 2)
end

MyApp.Worker.main(System.argv())
