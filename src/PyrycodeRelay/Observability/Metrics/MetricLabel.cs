namespace PyrycodeRelay.Observability.Metrics;

/// <summary>One label of a family and its closed set of values (docs/metrics.md#catalogue).</summary>
internal sealed class MetricLabel
{
    private readonly string[] _values;

    /// <summary>Creates a label named <paramref name="name"/> that takes exactly <paramref name="values"/>.</summary>
    public MetricLabel(string name, IReadOnlyList<string> values)
    {
        ArgumentException.ThrowIfNullOrEmpty(name);
        ArgumentNullException.ThrowIfNull(values);
        Name = name;
        _values = [.. values];
    }

    /// <summary>The label name.</summary>
    public string Name { get; }

    /// <summary>Every value the label may take, in rendering order.</summary>
    public IReadOnlyList<string> Values => _values;

    /// <summary>
    /// The index of <paramref name="value"/> in <see cref="Values"/>, or -1. The relay records with the
    /// interned constants of <see cref="Labels"/>, so the reference comparison almost always decides.
    /// </summary>
    public int IndexOf(object? value)
    {
        if (value is not string text)
        {
            return -1;
        }

        var values = _values;
        for (var i = 0; i < values.Length; i++)
        {
            if (ReferenceEquals(values[i], text))
            {
                return i;
            }
        }

        for (var i = 0; i < values.Length; i++)
        {
            if (string.Equals(values[i], text, StringComparison.Ordinal))
            {
                return i;
            }
        }

        return -1;
    }
}
