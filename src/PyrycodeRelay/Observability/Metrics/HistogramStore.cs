namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// A histogram family: per series a count per bucket (non-cumulative, the last one is +Inf) and the sum,
/// all updated lock-free. Rendering makes the buckets cumulative and derives <c>_count</c> from them, so a
/// scrape is always self-consistent (<c>_count</c> equals the <c>+Inf</c> bucket).
/// </summary>
internal sealed class HistogramStore : SeriesStore
{
    private readonly double[] _bounds;
    private readonly string[] _le;
    private readonly long[] _counts;   // slot × (bounds + 1)
    private readonly long[] _sumBits;  // slot → BitConverter.DoubleToInt64Bits(sum)

    public HistogramStore(MetricFamily family)
        : base(family)
    {
        _bounds = [.. family.Buckets];
        _le = new string[_bounds.Length + 1];
        for (var i = 0; i < _bounds.Length; i++)
        {
            _le[i] = PrometheusTextWriter.FormatFloat(_bounds[i]);
        }

        _le[^1] = "+Inf";
        _counts = new long[family.SlotCount * _le.Length];
        _sumBits = new long[family.SlotCount];
    }

    /// <inheritdoc />
    public override void Record(long value, ReadOnlySpan<KeyValuePair<string, object?>> tags) => Record((double)value, tags);

    /// <inheritdoc />
    public override void Record(double value, ReadOnlySpan<KeyValuePair<string, object?>> tags)
    {
        if (!double.IsFinite(value) || !Family.TryGetSlot(tags, out var slot))
        {
            Reject();
            return;
        }

        var bounds = _bounds;
        var bucket = 0;
        while (bucket < bounds.Length && value > bounds[bucket])
        {
            bucket++;
        }

        Interlocked.Increment(ref _counts[(slot * _le.Length) + bucket]);
        ref var sum = ref _sumBits[slot];
        var seen = Volatile.Read(ref sum);
        while (true)
        {
            var next = BitConverter.DoubleToInt64Bits(BitConverter.Int64BitsToDouble(seen) + value);
            var actual = Interlocked.CompareExchange(ref sum, next, seen);
            if (actual == seen)
            {
                return;
            }

            seen = actual;
        }
    }

    /// <inheritdoc />
    public override void Render(PrometheusTextWriter writer)
    {
        writer.WriteHeader(Family);
        foreach (var slot in Family.Series)
        {
            long cumulative = 0;
            for (var i = 0; i < _le.Length; i++)
            {
                cumulative += Interlocked.Read(ref _counts[(slot * _le.Length) + i]);
                writer.WriteSample(Family, "_bucket", slot, _le[i], cumulative);
            }

            writer.WriteSample(Family, "_sum", slot, null, BitConverter.Int64BitsToDouble(Interlocked.Read(ref _sumBits[slot])));
            writer.WriteSample(Family, "_count", slot, null, cumulative);
        }
    }
}
