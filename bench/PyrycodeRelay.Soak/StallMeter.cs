using System.Diagnostics;

namespace PyrycodeRelay.Soak;

/// <summary>
/// Measures how badly the machine is stalling: the soak's own timer overshoot (every 100 ms) and the relay's
/// /healthz round trip (every 500 ms). Used only to tell "late because the machine stalled" from "late".
/// </summary>
internal sealed class StallMeter
{
    private readonly List<(TimeSpan At, TimeSpan Stall)> _samples = [];
    private readonly Stopwatch _clock = Stopwatch.StartNew();

    public TimeSpan Now => _clock.Elapsed;

    public TimeSpan Worst { get; private set; }

    public async Task RunAsync(Uri health, CancellationToken stop)
    {
        using var http = new HttpClient { Timeout = TimeSpan.FromSeconds(10) };
        var tick = 0;
        while (!stop.IsCancellationRequested)
        {
            var sw = Stopwatch.StartNew();
            try
            {
                await Task.Delay(100, stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }

            Add(sw.Elapsed - TimeSpan.FromMilliseconds(100));
            if (++tick % 5 == 0)
            {
                sw.Restart();
                try
                {
                    await http.GetAsync(health, stop);
                }
                catch (Exception ex) when (ex is HttpRequestException or TaskCanceledException)
                {
                }

                Add(sw.Elapsed);
            }
        }
    }

    /// <summary>The largest stall observed since <paramref name="since"/> (a <see cref="Now"/> value).</summary>
    public TimeSpan MaxSince(TimeSpan since)
    {
        lock (_samples)
        {
            var max = TimeSpan.Zero;
            for (var i = _samples.Count - 1; i >= 0 && _samples[i].At >= since; i--)
            {
                max = _samples[i].Stall > max ? _samples[i].Stall : max;
            }

            return max;
        }
    }

    private void Add(TimeSpan stall)
    {
        lock (_samples)
        {
            _samples.Add((Now, stall));
            if (stall > Worst)
            {
                Worst = stall;
            }
        }
    }
}
