using System.Globalization;
using System.Text;

namespace PyrycodeRelay.Endpoints;

/// <summary>Log sanitising of <c>X-Pyrycode-Device-Name</c> (docs/logging.md#never-logged).</summary>
internal static class DeviceName
{
    /// <summary>Largest number of code points kept.</summary>
    public const int MaxCodePoints = 64;

    /// <summary>Removes control characters (Unicode category Cc) and keeps the first 64 code points.</summary>
    public static string Sanitize(string value)
    {
        ArgumentNullException.ThrowIfNull(value);
        var builder = new StringBuilder(Math.Min(value.Length, MaxCodePoints * 2));
        var kept = 0;
        foreach (var rune in value.EnumerateRunes())
        {
            if (Rune.GetUnicodeCategory(rune) == UnicodeCategory.Control)
            {
                continue;
            }

            if (kept++ == MaxCodePoints)
            {
                break;
            }

            builder.Append(rune.ToString());
        }

        return builder.ToString();
    }
}
