namespace PyrycodeRelay.Observability.Metrics;

/// <summary>A gauge family: the last value observed per series (observed at scrape).</summary>
internal sealed class GaugeStore(MetricFamily family) : ScalarStore(family)
{
    /// <inheritdoc />
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (Family.TryGetSlot(tags, out var slot))
        {
            Volatile.Write(ref Values[slot], value);
        }
        else
        {
            Reject();
        }
    }
}
