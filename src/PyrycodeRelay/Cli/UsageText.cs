using System.Text;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>The usage listing in the layout of Go's <c>flag.PrintDefaults</c>.</summary>
internal static class UsageText
{
    /// <summary>Writes <c>Usage of pyrycode-relay:</c> followed by one entry per flag, sorted by name.</summary>
    public static void Write(TextWriter writer, RelayOptions defaults)
    {
        var flags = new List<Flag>(FlagTable.All);
        flags.Sort((a, b) => string.CompareOrdinal(a.Name, b.Name));
        var sb = new StringBuilder();
        sb.Append("Usage of ").Append(CommandLine.ProgramName).Append(":\n");
        foreach (var flag in flags)
        {
            var start = sb.Length;
            sb.Append("  -").Append(flag.Name);
            if (flag.TypeName.Length > 0)
            {
                sb.Append(' ').Append(flag.TypeName);
            }

            // Go: a one-letter flag without a type name keeps its usage on the same line.
            sb.Append(sb.Length - start <= 4 ? "\t" : "\n    \t");
            sb.Append(flag.Usage.Replace("\n", "\n    \t", StringComparison.Ordinal));
            var def = flag.DefaultText(defaults);
            if (def != flag.ZeroText)
            {
                sb.Append(" (default ").Append(flag.QuoteDefault ? GoQuote.Quote(def) : def).Append(')');
            }

            sb.Append('\n');
        }

        writer.Write(sb.ToString());
    }
}
