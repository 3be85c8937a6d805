namespace PyrycodeRelay.Observability.Metrics;

/// <summary>
/// One Prometheus family of the catalogue: name, type, HELP text, labels with closed value sets and the
/// series that exist (all of them from start, at 0). A series is addressed by a slot: the mixed-radix
/// number of its label-value indexes, first label most significant.
/// </summary>
internal sealed class MetricFamily
{
    private readonly MetricLabel[] _labels;
    private readonly int[] _strides;
    private readonly bool[] _isSeries;
    private readonly int[] _series;
    private readonly double[] _buckets;

    /// <summary>Creates a family.</summary>
    /// <param name="name">Family name (also the instrument name).</param>
    /// <param name="kind">Prometheus type.</param>
    /// <param name="help">HELP text, rendered exactly.</param>
    /// <param name="labels">Labels in rendering order; none for a single series.</param>
    /// <param name="buckets">Histogram upper bounds, ascending (histograms only).</param>
    /// <param name="isSeries">Which label-value combinations (one index per label) exist; default all.</param>
    public MetricFamily(string name, MetricKind kind, string help, IReadOnlyList<MetricLabel>? labels = null,
        IReadOnlyList<double>? buckets = null, Func<IReadOnlyList<int>, bool>? isSeries = null)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentException.ThrowIfNullOrEmpty(help);
        Name = name;
        Kind = kind;
        Help = help;
        _labels = labels is null ? [] : [.. labels];
        _buckets = buckets is null ? [] : [.. buckets];
        if ((kind == MetricKind.Histogram) != (_buckets.Length > 0))
        {
            throw new ArgumentException("histograms, and only histograms, have buckets", nameof(buckets));
        }

        _strides = new int[_labels.Length];
        var slots = 1;
        for (var j = _labels.Length - 1; j >= 0; j--)
        {
            _strides[j] = slots;
            slots *= _labels[j].Values.Count;
        }

        SlotCount = slots;
        _isSeries = new bool[slots];
        var series = new List<int>(slots);
        for (var slot = 0; slot < slots; slot++)
        {
            if (isSeries is null || isSeries(IndexesOf(slot)))
            {
                _isSeries[slot] = true;
                series.Add(slot);
            }
        }

        _series = [.. series];
    }

    /// <summary>The family (and instrument) name.</summary>
    public string Name { get; }

    /// <summary>The Prometheus type.</summary>
    public MetricKind Kind { get; }

    /// <summary>The HELP text.</summary>
    public string Help { get; }

    /// <summary>The labels, in rendering order.</summary>
    public IReadOnlyList<MetricLabel> Labels => _labels;

    /// <summary>Histogram upper bounds (empty for other types).</summary>
    public IReadOnlyList<double> Buckets => _buckets;

    /// <summary>Number of slots (the product of the label value-set sizes).</summary>
    public int SlotCount { get; }

    /// <summary>The slots that are series, in rendering order.</summary>
    public IReadOnlyList<int> Series => _series;

    /// <summary>
    /// Maps a measurement's tags to its series slot. False when a tag is missing, extra, repeated or has a
    /// value outside the closed set, or the combination is not a series. Allocation-free.
    /// </summary>
    public bool TryGetSlot(ReadOnlySpan<KeyValuePair<string, object?>> tags, out int slot)
    {
        slot = 0;
        var labels = _labels;
        if (tags.Length != labels.Length)
        {
            return false;
        }

        var seen = 0;
        foreach (var tag in tags)
        {
            var j = LabelIndex(tag.Key);
            if (j < 0 || (seen & (1 << j)) != 0)
            {
                return false;
            }

            seen |= 1 << j;
            var v = labels[j].IndexOf(tag.Value);
            if (v < 0)
            {
                return false;
            }

            slot += v * _strides[j];
        }

        return _isSeries[slot];
    }

    /// <summary>The label values of <paramref name="slot"/>, one per label.</summary>
    public IReadOnlyList<string> LabelValuesOf(int slot)
    {
        var indexes = IndexesOf(slot);
        var values = new string[indexes.Length];
        for (var j = 0; j < indexes.Length; j++)
        {
            values[j] = _labels[j].Values[indexes[j]];
        }

        return values;
    }

    private int[] IndexesOf(int slot)
    {
        var indexes = new int[_labels.Length];
        for (var j = 0; j < indexes.Length; j++)
        {
            indexes[j] = slot / _strides[j] % _labels[j].Values.Count;
        }

        return indexes;
    }

    private int LabelIndex(string key)
    {
        var labels = _labels;
        for (var j = 0; j < labels.Length; j++)
        {
            if (ReferenceEquals(labels[j].Name, key) || string.Equals(labels[j].Name, key, StringComparison.Ordinal))
            {
                return j;
            }
        }

        return -1;
    }
}
