using System.Globalization;
using PyrycodeRelay.GoCompat;

namespace PyrycodeRelay.Check;

/// <summary>
/// <c>pyrycode-relay check URL [flags]</c>: the operator's end-to-end probe (docs/operations.md#check). Exit 0 when
/// the relay is healthy, 1 when a check failed, 2 for a usage error.
/// </summary>
internal static class CheckCommand
{
    /// <summary>The subcommand word.</summary>
    public const string Name = "check";

    /// <summary>The usage text of the subcommand.</summary>
    public const string Usage =
        "Usage: pyrycode-relay check URL [flags]\n\n" +
        "Probes a running relay end to end: GET /healthz; claims a random server-id as a binary; connects a phone;\n" +
        "round-trips frames of the given sizes through both; checks that an unknown server-id gets 4404; prints the\n" +
        "round-trip latency percentiles. URL is the relay's base URL (https://relay.example.com, http://127.0.0.1:8080,\n" +
        "ws:// and wss:// work too). Exit 0 healthy, 1 unhealthy, 2 usage error.\n\n" +
        "  -frames int\n    \tmeasured round trips (default 20)\n" +
        "  -sizes string\n    \tcomma-separated frame sizes in bytes, used in turn; each 12 to 261000 (default \"64,1024,16384\")\n" +
        "  -timeout duration\n    \tlimit for each step (default 10s)\n" +
        "  -json\n    \tprint one JSON document instead of text\n" +
        "  -ca-file string\n    \tPEM file of extra roots trusted for the relay's certificate\n" +
        "  -server-id string\n    \tserver-id to claim (default a random check-<hex>)\n";

    /// <summary>Parses, probes, reports; returns the exit code.</summary>
    public static async Task<int> RunAsync(IReadOnlyList<string> args, TextWriter stdout, TextWriter stderr)
    {
        ArgumentNullException.ThrowIfNull(args);
        ArgumentNullException.ThrowIfNull(stdout);
        ArgumentNullException.ThrowIfNull(stderr);
        var (options, error, help) = Parse(args);
        if (help)
        {
            await stdout.WriteAsync(Usage);
            await stdout.FlushAsync();
            return 0;
        }

        if (options is null)
        {
            await stderr.WriteAsync(error + "\nRun 'pyrycode-relay check --help' for usage.\n");
            await stderr.FlushAsync();
            return 2;
        }

        var report = await RelayProbe.RunAsync(options);
        await stdout.WriteAsync(options.Json ? report.ToJson() : report.ToText());
        await stdout.FlushAsync();
        return report.Healthy ? 0 : 1;
    }

    /// <summary>The options, or a one-line error, or help.</summary>
    public static (CheckOptions? Options, string? Error, bool Help) Parse(IReadOnlyList<string> args)
    {
        ArgumentNullException.ThrowIfNull(args);
        string? url = null;
        var o = new CheckOptions { Url = new Uri("http://localhost") };
        for (var i = 0; i < args.Count; i++)
        {
            var arg = args[i];
            if (arg.Length < 2 || arg[0] != '-')
            {
                if (url is not null)
                {
                    return (null, "check takes one URL, got " + GoQuote.Quote(url) + " and " + GoQuote.Quote(arg), false);
                }

                url = arg;
                continue;
            }

            var name = arg.TrimStart('-');
            string? value = null;
            var eq = name.IndexOf('=', StringComparison.Ordinal);
            if (eq >= 0)
            {
                value = name[(eq + 1)..];
                name = name[..eq];
            }

            if (name is "help" or "h")
            {
                return (null, null, true);
            }

            if (name == "json")
            {
                var json = true;
                if (value is not null && !GoParse.TryParseBool(value, out json))
                {
                    return (null, $"invalid boolean value {GoQuote.Quote(value)} for -json", false);
                }

                o = o with { Json = json };
                continue;
            }

            if (name is not ("frames" or "sizes" or "timeout" or "ca-file" or "server-id"))
            {
                return (null, "flag provided but not defined: -" + name, false);
            }

            if (value is null)
            {
                if (i + 1 >= args.Count)
                {
                    return (null, "flag needs an argument: -" + name, false);
                }

                value = args[++i];
            }

            var (next, error) = Bind(o, name, value);
            if (next is null)
            {
                return (null, $"invalid value {GoQuote.Quote(value)} for flag -{name}: {error}", false);
            }

            o = next;
        }

        if (url is null)
        {
            return (null, "check needs the relay's URL, e.g. pyrycode-relay check https://relay.example.com", false);
        }

        if (!Uri.TryCreate(url, UriKind.Absolute, out var uri) || uri.Scheme is not ("http" or "https" or "ws" or "wss")
            || uri.AbsolutePath != "/" || uri.Query.Length > 0)
        {
            return (null, $"invalid URL {GoQuote.Quote(url)}: want http(s):// or ws(s)://host[:port] without a path", false);
        }

        return (o with { Url = uri }, null, false);
    }

    private static (CheckOptions? Options, string? Error) Bind(CheckOptions o, string name, string value)
    {
        switch (name)
        {
            case "frames":
                var error = GoParse.TryParseInteger(value, 1, 100_000, out var frames);
                return error is null ? (o with { Frames = (int)frames }, null) : (null, error == "value out of range" ? "must be 1 to 100000" : error);
            case "timeout":
                return GoDuration.TryParse(value, out var timeout) && timeout > TimeSpan.Zero
                    ? (o with { Timeout = timeout }, null)
                    : (null, "must be a positive duration such as 5s");
            case "sizes":
                var sizes = new List<int>();
                foreach (var part in value.Split(','))
                {
                    if (!int.TryParse(part.Trim(), NumberStyles.None, CultureInfo.InvariantCulture, out var size) || size is < RelayProbe.MinFrameSize or > RelayProbe.MaxFrameSize)
                    {
                        return (null, $"each size must be {RelayProbe.MinFrameSize} to {RelayProbe.MaxFrameSize} bytes");
                    }

                    sizes.Add(size);
                }

                return (o with { Sizes = sizes }, null);
            case "ca-file":
                return (o with { CaFile = value }, null);
            default:
                return Endpoints.HeaderGate.IsValidServerId(value)
                    ? (o with { ServerId = value }, null)
                    : (null, "a server-id is 1 to 128 visible ASCII characters");
        }
    }
}
