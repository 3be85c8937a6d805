namespace PyrycodeRelay.Fuzz.Oracles;

/// <summary>
/// Go's <c>time.ParseDuration</c> algorithm, restated: unsigned 64-bit nanoseconds, leading integer with
/// overflow check, fraction scaled in float64, units ns/us/µs/μs/ms/s/m/h, total at most 2^63−1 (2^63 when
/// negative). Returns nanoseconds.
/// </summary>
internal static class ReferenceGoDuration
{
    public static bool TryParse(string s, out long nanoseconds, out bool exactlyMinValue)
    {
        nanoseconds = 0;
        exactlyMinValue = false;
        var neg = false;
        if (s.Length > 0 && s[0] is '-' or '+')
        {
            neg = s[0] == '-';
            s = s[1..];
        }

        if (s == "0")
        {
            return true;
        }

        if (s.Length == 0)
        {
            return false;
        }

        ulong d = 0;
        while (s.Length > 0)
        {
            ulong v, f = 0;
            double scale = 1;
            if (!(s[0] == '.' || char.IsAsciiDigit(s[0])))
            {
                return false;
            }

            var pl = s.Length;
            if (!LeadingInt(ref s, out v))
            {
                return false;
            }

            var pre = pl != s.Length;
            var post = false;
            if (s.Length > 0 && s[0] == '.')
            {
                s = s[1..];
                pl = s.Length;
                LeadingFraction(ref s, out f, out scale);
                post = pl != s.Length;
            }

            if (!pre && !post)
            {
                return false;
            }

            var i = 0;
            while (i < s.Length && s[i] != '.' && !char.IsAsciiDigit(s[i]))
            {
                i++;
            }

            if (i == 0)
            {
                return false;
            }

            ulong unit;
            switch (s[..i])
            {
                case "ns": unit = 1; break;
                case "us" or "\u00b5s" or "\u03bcs": unit = 1000; break;
                case "ms": unit = 1_000_000; break;
                case "s": unit = 1_000_000_000; break;
                case "m": unit = 60_000_000_000; break;
                case "h": unit = 3_600_000_000_000; break;
                default: return false;
            }

            s = s[i..];
            if (v > (1UL << 63) / unit)
            {
                return false;
            }

            v *= unit;
            if (f > 0)
            {
                v += (ulong)(f * (unit / scale));
                if (v > 1UL << 63)
                {
                    return false;
                }
            }

            d += v;
            if (d > 1UL << 63)
            {
                return false;
            }
        }

        if (neg)
        {
            exactlyMinValue = d == 1UL << 63;
            nanoseconds = -(long)d;
            return true;
        }

        if (d > (1UL << 63) - 1)
        {
            return false;
        }

        nanoseconds = (long)d;
        return true;
    }

    private static bool LeadingInt(ref string s, out ulong x)
    {
        x = 0;
        var i = 0;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                break;
            }

            if (x > (1UL << 63) / 10)
            {
                return false;
            }

            x = (x * 10) + (ulong)(c - '0');
            if (x > 1UL << 63)
            {
                return false;
            }
        }

        s = s[i..];
        return true;
    }

    private static void LeadingFraction(ref string s, out ulong x, out double scale)
    {
        x = 0;
        scale = 1;
        var i = 0;
        var overflow = false;
        for (; i < s.Length; i++)
        {
            var c = s[i];
            if (c is < '0' or > '9')
            {
                break;
            }

            if (overflow)
            {
                continue;
            }

            if (x > ((1UL << 63) - 1) / 10)
            {
                overflow = true;
                continue;
            }

            var y = (x * 10) + (ulong)(c - '0');
            if (y > 1UL << 63)
            {
                overflow = true;
                continue;
            }

            x = y;
            scale *= 10;
        }

        s = s[i..];
    }
}
