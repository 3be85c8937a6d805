using System.Globalization;
using System.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary><c>--name value</c> pairs of a worker's command line.</summary>
internal sealed class WorkerArgs
{
    private readonly Dictionary<string, string> _values = new(StringComparer.Ordinal);

    public WorkerArgs(IEnumerable<string> args)
    {
        string? name = null;
        foreach (var a in args)
        {
            if (a.StartsWith("--", StringComparison.Ordinal))
            {
                if (name is not null)
                {
                    _values[name] = "true";
                }

                name = a[2..];
            }
            else if (name is not null)
            {
                _values[name] = a;
                name = null;
            }
        }

        if (name is not null)
        {
            _values[name] = "true";
        }
    }

    public string Get(string name, string fallback) => _values.TryGetValue(name, out var v) ? v : fallback;

    public string Require(string name) => _values.TryGetValue(name, out var v) ? v : throw new ArgumentException($"--{name} is required");

    public int Int(string name, int fallback) => _values.TryGetValue(name, out var v) ? int.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public double Double(string name, double fallback) => _values.TryGetValue(name, out var v) ? double.Parse(v, CultureInfo.InvariantCulture) : fallback;

    public bool Flag(string name) => _values.TryGetValue(name, out var v) && v == "true";

    /// <summary>The target endpoint from <c>--url ws://host:port/path</c>.</summary>
    public (IPEndPoint Endpoint, string Path) Url(string name = "url")
    {
        var uri = new Uri(Require(name));
        return (new IPEndPoint(IPAddress.Parse(uri.Host), uri.Port), uri.PathAndQuery);
    }

    /// <summary>
    /// The TLS name for a <c>wss://</c> <c>--url</c> (SNI and Host header): <c>--host</c>, by default
    /// <see cref="Net.BenchTls.Domain"/>; null for <c>ws://</c>.
    /// </summary>
    public string? TlsHost(string name = "url") =>
        new Uri(Require(name)).Scheme == "wss" ? Get("host", Net.BenchTls.Domain) : null;

    /// <summary>Local source addresses (<c>--local 127.0.0.2,127.0.0.3</c>); empty = let the kernel choose.</summary>
    public IPAddress[] Locals() => Get("local", "").Split(',', StringSplitOptions.RemoveEmptyEntries).Select(IPAddress.Parse).ToArray();
}
