using System.Globalization;

namespace PyrycodeRelay.GoCompat;

/// <summary>
/// Go-style durations (<c>250ms</c>, <c>1.5s</c>, <c>1h30m</c>) as the Go relay's flags and log lines
/// use them: <see cref="TryParse"/> follows <c>time.ParseDuration</c>, <see cref="Format"/> follows
/// <c>time.Duration.String</c>. Resolution is nanoseconds; a <see cref="TimeSpan"/> holds 100 ns ticks, so
/// parsed values are truncated to whole ticks.
/// </summary>
internal static partial class GoDuration
{
    private const long NsPerTick = 100;

    /// <summary>Parses a Go duration. Returns false for a bare number other than 0, an unknown unit or overflow.</summary>
    public static bool TryParse(string? text, out TimeSpan value)
    {
        value = TimeSpan.Zero;
        if (string.IsNullOrEmpty(text))
        {
            return false;
        }

        var s = text.AsSpan();
        var negative = false;
        if (s[0] is '-' or '+')
        {
            negative = s[0] == '-';
            s = s[1..];
        }

        if (s is "0")
        {
            return true;
        }

        if (s.IsEmpty)
        {
            return false;
        }

        // Accumulate in nanoseconds as a decimal to keep fractions exact and detect overflow.
        decimal totalNs = 0;
        while (!s.IsEmpty)
        {
            if (!(char.IsAsciiDigit(s[0]) || s[0] == '.'))
            {
                return false;
            }

            var i = 0;
            while (i < s.Length && char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var intPart = s[..i];
            var fracPart = ReadOnlySpan<char>.Empty;
            if (i < s.Length && s[i] == '.')
            {
                var start = ++i;
                while (i < s.Length && char.IsAsciiDigit(s[i]))
                {
                    i++;
                }

                fracPart = s[start..i];
            }

            if (intPart.IsEmpty && fracPart.IsEmpty)
            {
                return false; // "." or ".s"
            }

            var unitStart = i;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            var unit = s[unitStart..i];
            if (unit.IsEmpty)
            {
                return false; // missing unit
            }

            decimal unitNs;
            switch (unit)
            {
                case "ns": unitNs = 1m; break;
                case "us" or "\u00b5s" or "\u03bcs": unitNs = 1_000m; break;
                case "ms": unitNs = 1_000_000m; break;
                case "s": unitNs = 1_000_000_000m; break;
                case "m": unitNs = 60m * 1_000_000_000m; break;
                case "h": unitNs = 3600m * 1_000_000_000m; break;
                default: return false;
            }

            // Go accepts leading zeros and any number of fraction digits; digits past the 28th are far below
            // one 100 ns tick (fuzz finding F3).
            intPart = intPart.TrimStart('0');
            if (fracPart.Length > 28)
            {
                fracPart = fracPart[..28];
            }

            if (intPart.Length > 20)
            {
                return false; // more than 2^63 of any unit: overflow, as in Go
            }

            decimal number = intPart.IsEmpty ? 0 : decimal.Parse(intPart, NumberStyles.None, CultureInfo.InvariantCulture);
            if (!fracPart.IsEmpty)
            {
                var frac = decimal.Parse(fracPart, NumberStyles.None, CultureInfo.InvariantCulture);
                for (var k = 0; k < fracPart.Length; k++)
                {
                    frac /= 10m;
                }

                number += frac;
            }

            if (number > (long.MaxValue / unitNs) + 1)
            {
                return false; // Go: overflow is an error; checked before multiplying so decimal cannot overflow (F2)
            }

            // Go adds whole nanoseconds per component: the sub-nanosecond part is dropped before the overflow
            // check, so 9223372036854775807.1ns is valid (fuzz finding F5).
            totalNs += decimal.Truncate(number * unitNs);
            if (totalNs > long.MaxValue)
            {
                return false; // Go: overflow is an error ("invalid duration")
            }

            s = s[i..];
        }

        var ticks = (long)decimal.Truncate(totalNs / NsPerTick);
        value = TimeSpan.FromTicks(negative ? -ticks : ticks);
        return true;
    }
}
