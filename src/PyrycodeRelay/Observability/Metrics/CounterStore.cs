namespace PyrycodeRelay.Observability.Metrics;

/// <summary>A counter family: one running total per series (<see cref="Interlocked.Add(ref long, long)"/>).</summary>
internal sealed class CounterStore(MetricFamily family) : SeriesStore(family)
{
    private readonly long[] _totals = new long[family.SlotCount];

    /// <inheritdoc />
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (value >= 0 && Family.TryGetSlot(tags, out var slot))
        {
            Interlocked.Add(ref _totals[slot], value);
        }
        else
        {
            Reject();
        }
    }

    /// <inheritdoc />
    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Reject();

    /// <inheritdoc />
    public override void Render(PrometheusTextWriter writer)
    {
        writer.WriteHeader(Family);
        foreach (var slot in Family.Series)
        {
            writer.WriteSample(Family, "", slot, null, Interlocked.Read(ref _totals[slot]));
        }
    }
}
