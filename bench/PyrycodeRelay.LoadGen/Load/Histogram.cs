using System.Numerics;
using System.Text;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// A compact log-linear (HDR-style) histogram of nanosecond values: exact below 256 ns, then 128
/// sub-buckets per power of two (relative error below 0.8 %), up to about 18 minutes. Recording is one
/// interlocked increment and allocates nothing.
/// </summary>
internal sealed class Histogram
{
    private const int SubBuckets = 256;
    private const int Half = SubBuckets / 2;
    private const int MaxExponent = 40;
    private readonly long[] _counts = new long[SubBuckets + ((MaxExponent - 7) * Half)];

    /// <summary>Number of recorded values.</summary>
    public long Count
    {
        get
        {
            long n = 0;
            foreach (var c in _counts)
            {
                n += c;
            }

            return n;
        }
    }

    /// <summary>Records one value (clamped to the range).</summary>
    public void Record(long nanoseconds) => Interlocked.Increment(ref _counts[IndexOf(nanoseconds)]);

    private static int IndexOf(long value)
    {
        if (value < SubBuckets)
        {
            return value < 0 ? 0 : (int)value;
        }

        var e = 63 - BitOperations.LeadingZeroCount((ulong)value);
        if (e >= MaxExponent)
        {
            e = MaxExponent - 1;
            value = (1L << MaxExponent) - 1;
        }

        var shift = e - 7;
        var sub = (int)(value >> shift);
        return SubBuckets + ((e - 8) * Half) + (sub - Half);
    }

    private static long MidpointOf(int index)
    {
        if (index < SubBuckets)
        {
            return index;
        }

        var e = ((index - SubBuckets) / Half) + 8;
        var sub = ((index - SubBuckets) % Half) + Half;
        var shift = e - 7;
        return ((long)sub << shift) + ((1L << shift) / 2);
    }

    /// <summary>The value at <paramref name="quantile"/> (0–1), in nanoseconds; 0 when empty.</summary>
    public long ValueAt(double quantile)
    {
        var total = Count;
        if (total == 0)
        {
            return 0;
        }

        var rank = (long)Math.Ceiling(quantile * total);
        rank = Math.Clamp(rank, 1, total);
        long seen = 0;
        for (var i = 0; i < _counts.Length; i++)
        {
            seen += _counts[i];
            if (seen >= rank)
            {
                return MidpointOf(i);
            }
        }

        return MidpointOf(_counts.Length - 1);
    }

    /// <summary>Clears all counts.</summary>
    public void Reset() => Array.Clear(_counts);

    /// <summary>Adds another histogram's counts.</summary>
    public void Add(Histogram other)
    {
        for (var i = 0; i < _counts.Length; i++)
        {
            _counts[i] += other._counts[i];
        }
    }

    /// <summary>Sparse text form <c>index:count,…</c> (for passing between processes).</summary>
    public string Serialize()
    {
        var sb = new StringBuilder();
        for (var i = 0; i < _counts.Length; i++)
        {
            if (_counts[i] != 0)
            {
                sb.Append(sb.Length == 0 ? "" : ",").Append(i).Append(':').Append(_counts[i]);
            }
        }

        return sb.ToString();
    }

    /// <summary>Parses <see cref="Serialize"/>'s output.</summary>
    public static Histogram Deserialize(string text)
    {
        var h = new Histogram();
        if (string.IsNullOrEmpty(text))
        {
            return h;
        }

        foreach (var part in text.Split(','))
        {
            var colon = part.IndexOf(':', StringComparison.Ordinal);
            h._counts[int.Parse(part.AsSpan(0, colon), System.Globalization.CultureInfo.InvariantCulture)] +=
                long.Parse(part.AsSpan(colon + 1), System.Globalization.CultureInfo.InvariantCulture);
        }

        return h;
    }
}
