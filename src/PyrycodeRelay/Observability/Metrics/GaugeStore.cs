namespace PyrycodeRelay.Observability.Metrics;

/// <summary>A gauge family: the last value observed per series (observed at scrape).</summary>
internal sealed class GaugeStore(MetricFamily family) : SeriesStore(family)
{
    private readonly long[] _values = new long[family.SlotCount];

    /// <inheritdoc />
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Family.TryGetSlot(tags, out var slot))
        {
            Volatile.Write(ref _values[slot], value);
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
            writer.WriteSample(Family, "", slot, null, Volatile.Read(ref _values[slot]));
        }
    }
}
