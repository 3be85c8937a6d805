namespace PyrycodeRelay.Observability.Metrics;

/// <summary>A family with one 64-bit value per series (counters and gauges), rendered as is.</summary>
internal abstract class ScalarStore(MetricFamily family) : SeriesStore(family)
{
    /// <summary>The value of each series slot.</summary>
    protected long[] Values { get; } = new long[family.SlotCount];

    /// <inheritdoc />
    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Reject();

    /// <inheritdoc />
    public override void Render(PrometheusTextWriter writer)
    {
        writer.WriteHeader(Family);
        foreach (var slot in Family.Series)
        {
            writer.WriteSample(Family, "", slot, null, Volatile.Read(ref Values[slot]));
        }
    }
}
