namespace PyrycodeRelay.GoCompat;

/// <summary>Formatting like Go's <c>time.Duration.String</c>.</summary>
internal static partial class GoDuration
{
    /// <summary>Formats like Go's <c>time.Duration.String()</c>: <c>0s</c>, <c>1.5s</c>, <c>2m0s</c>, <c>152.3ms</c>.</summary>
    public static string Format(TimeSpan duration)
    {
        Span<char> buf = stackalloc char[40];
        var n = Format(duration, buf);
        return new string(buf[^n..]);
    }

    /// <summary>Writes the Go text right-aligned into <paramref name="buf"/> (at least 40 chars); returns its length.</summary>
    public static int Format(TimeSpan duration, Span<char> buf)
    {
        var w = buf.Length;
        var ns = (decimal)duration.Ticks * NsPerTick;
        var neg = ns < 0;
        var u = (ulong)Math.Abs(ns);

        if (u < 1_000_000_000UL)
        {
            int prec;
            buf[--w] = 's';
            w--;
            if (u == 0)
            {
                buf[w] = '0';
                return buf.Length - w;
            }
            else if (u < 1_000UL)
            {
                prec = 0;
                buf[w] = 'n';
            }
            else if (u < 1_000_000UL)
            {
                prec = 3;
                buf[w] = '\u00b5';
            }
            else
            {
                prec = 6;
                buf[w] = 'm';
            }

            w = FormatFraction(buf, w, ref u, prec);
            w = FormatInt(buf, w, u);
        }
        else
        {
            buf[--w] = 's';
            w = FormatFraction(buf, w, ref u, 9);
            w = FormatInt(buf, w, u % 60);
            u /= 60;
            if (u > 0)
            {
                buf[--w] = 'm';
                w = FormatInt(buf, w, u % 60);
                u /= 60;
                if (u > 0)
                {
                    buf[--w] = 'h';
                    w = FormatInt(buf, w, u);
                }
            }
        }

        if (neg)
        {
            buf[--w] = '-';
        }

        return buf.Length - w;
    }

    private static int FormatFraction(Span<char> buf, int w, ref ulong v, int prec)
    {
        var print = false;
        for (var i = 0; i < prec; i++)
        {
            var digit = v % 10;
            print = print || digit != 0;
            if (print)
            {
                buf[--w] = (char)('0' + (int)digit);
            }

            v /= 10;
        }

        if (print)
        {
            buf[--w] = '.';
        }

        return w;
    }

    private static int FormatInt(Span<char> buf, int w, ulong v)
    {
        if (v == 0)
        {
            buf[--w] = '0';
            return w;
        }

        while (v > 0)
        {
            buf[--w] = (char)('0' + (int)(v % 10));
            v /= 10;
        }

        return w;
    }
}
