using System.Text;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Cli;

/// <summary>
/// The <c>--help</c> text (stdout): the synopsis, the environment rule, then the flags grouped by topic, each entry
/// in the layout of Go's <c>flag.PrintDefaults</c>. A flag missing from <see cref="Topics"/> is listed under "Other".
/// </summary>
internal static class UsageText
{
    /// <summary>The topics in order, each with its flags in order.</summary>
    public static IReadOnlyList<(string Topic, string[] Flags)> Topics { get; } =
    [
        ("Mode and listeners", ["insecure-listen", "domain", "https-listen", "http-listen", "https-proxy-protocol",
            "proxy-protocol-trusted-cidrs", "proxy-protocol-trust-all", "trust-x-forwarded-for", "trusted-proxy-cidrs"]),
        ("TLS certificates", ["tls-cert-file", "tls-key-file", "cert-cache", "acme-directory", "acme-email", "acme-ca-file"]),
        ("Limits", ["max-connections", "max-message-bytes", "phones-per-server", "phone-outbox-bytes", "outbox-budget-bytes",
            "server-outbox-bytes", "max-server-ids", "max-connections-per-source", "max-pending-connections",
            "max-pending-connections-per-source", "rate-limit-burst", "rate-limit-refill"]),
        ("Timings", ["grace-period", "heartbeat-interval", "heartbeat-timeout", "conflict-probe-timeout", "message-read-timeout",
            "write-timeout", "phone-first-frame-timeout"]),
        ("Shutdown", ["drain-timeout", "shutdown-delay"]),
        ("Logs, metrics and health", ["log-format", "log-level", "metrics-listen", "metrics-allow-remote", "healthz-counts"]),
        ("Push wakes (FCM)", ["fcm-project-id", "fcm-base-url", "fcm-token-url"]),
        ("Cluster mode (Redis)", ["cluster-redis", "node-id", "cluster-lease"]),
        ("Other", ["check-config", "version"]),
    ];

    /// <summary>Writes the help text with defaults taken from <paramref name="defaults"/>.</summary>
    public static void Write(TextWriter writer, RelayOptions defaults)
    {
        var sb = new StringBuilder();
        sb.Append("Usage: ").Append(CommandLine.ProgramName).Append(" [flags]\n");
        sb.Append("       ").Append(CommandLine.ProgramName).Append(" check URL [check flags]   (pyrycode-relay check --help)\n\n");
        sb.Append("Every flag can also come from the environment as PYRYCODE_RELAY_<FLAG> (upper case, dashes as\n");
        sb.Append("underscores: PYRYCODE_RELAY_MAX_CONNECTIONS); a flag on the command line wins. Not --version, --check-config.\n");
        var listed = new HashSet<string>(StringComparer.Ordinal);
        foreach (var (topic, names) in Topics)
        {
            var flags = names.Select(n => FlagTable.TryGet(n, out var f) ? f : null).OfType<Flag>().ToList();
            if (topic == "Other")
            {
                flags.AddRange(FlagTable.All.Where(f => !listed.Contains(f.Name) && !names.Contains(f.Name)));
            }

            sb.Append('\n').Append(topic).Append(":\n");
            foreach (var flag in flags)
            {
                listed.Add(flag.Name);
                Entry(sb, flag, defaults);
            }

            if (topic == "Other")
            {
                sb.Append("  -help\n    \tprint this help and exit\n");
            }
        }

        writer.Write(sb.ToString());
    }

    private static void Entry(StringBuilder sb, Flag flag, RelayOptions defaults)
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
}
