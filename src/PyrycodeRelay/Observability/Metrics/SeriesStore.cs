namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// The accumulated values of one catalogue family, fed by the measurement callbacks of
/// <see cref="RelayMetricsExporter"/> (any thread, lock-free) and rendered at scrape.
/// </summary>
internal abstract class SeriesStore(MetricFamily family)
{
    private int _instruments;
    private long _rejected;

    /// <summary>The family this store renders.</summary>
    public MetricFamily Family { get; } = family;

    /// <summary>Whether at least one live instrument feeds this family (only then is it rendered).</summary>
    public bool IsPresent => Volatile.Read(ref _instruments) > 0;

    /// <summary>Measurements ignored because their tags were outside the closed label sets.</summary>
    public long Rejected => Interlocked.Read(ref _rejected);

    /// <summary>An instrument feeding this family was published.</summary>
    public void InstrumentAdded() => Interlocked.Increment(ref _instruments);

    /// <summary>An instrument feeding this family was disposed.</summary>
    public void InstrumentRemoved() => Interlocked.Decrement(ref _instruments);

    /// <summary>Records an integer measurement.</summary>
    public abstract void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Records a floating-point measurement.</summary>
    public abstract void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags);

    /// <summary>Appends HELP, TYPE and every series.</summary>
    public abstract void Render(PrometheusTextWriter writer);

    /// <summary>Counts a measurement with tags outside the closed sets.</summary>
    protected void Reject() => Interlocked.Increment(ref _rejected);
}
