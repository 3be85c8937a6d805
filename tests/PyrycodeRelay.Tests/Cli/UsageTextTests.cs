using PyrycodeRelay.Cli;
using PyrycodeRelay.Configuration;

namespace PyrycodeRelay.Tests.Cli;

public class UsageTextTests
{
    private static string Usage()
    {
        using var w = new StringWriter();
        CommandLine.WriteUsage(w, new RelayOptions { CertCache = "/home/op/.pyrycode-relay/certs" });
        return w.ToString();
    }

    [Fact]
    public void Starts_with_the_go_header_and_lists_flags_sorted_by_name()
    {
        var text = Usage();
        Assert.StartsWith("Usage of pyrycode-relay:\n  -acme-ca-file string\n    \t", text, StringComparison.Ordinal);
        var names = text.Split('\n').Where(l => l.StartsWith("  -", StringComparison.Ordinal))
            .Select(l => l[3..].Split(' ')[0]).ToList();
        Assert.Equal(36, names.Count);
        Assert.Equal(names.OrderBy(n => n, StringComparer.Ordinal), names);
        Assert.DoesNotContain("help", names);
        Assert.DoesNotContain("h", names);
    }

    [Fact]
    public void Entries_use_print_defaults_layout_and_defaults()
    {
        var text = Usage();
        Assert.Contains("  -grace-period duration\n    \tgrace window after a holder binary disconnects (default 30s)\n", text, StringComparison.Ordinal);
        Assert.Contains("  -max-connections int\n    \tglobal cap on live upgraded connections, both endpoints together; must be positive (default 1024)\n", text, StringComparison.Ordinal);
        Assert.Contains("  -https-listen string\n    \tTLS listener address (TLS mode) (default \":443\")\n", text, StringComparison.Ordinal);
        Assert.Contains("(default \"/home/op/.pyrycode-relay/certs\")", text, StringComparison.Ordinal);
        Assert.Contains("(default \"https://acme-v02.api.letsencrypt.org/directory\")", text, StringComparison.Ordinal);
        Assert.Contains("(default 4194304)", text, StringComparison.Ordinal);
        Assert.Contains("(default 6s)", text, StringComparison.Ordinal);
    }

    [Fact]
    public void Zero_defaults_are_not_shown_and_booleans_have_no_type()
    {
        var text = Usage();
        Assert.Contains("  -https-proxy-protocol\n    \trequire a PROXY protocol header before TLS on every --https-listen connection (TLS mode only)\n", text, StringComparison.Ordinal);
        Assert.Contains("  -version\n    \tprint the version and exit\n", text, StringComparison.Ordinal);
        Assert.Contains("  -domain string\n    \tpublic DNS name served over TLS; selects TLS mode (certificate, SNI policy and Host gate)\n", text, StringComparison.Ordinal);
        Assert.EndsWith("\n", text, StringComparison.Ordinal);
    }
}
