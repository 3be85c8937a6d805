using System.Globalization;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>
/// State shared by the scenarios of one run: paths, settings, the running targets. Relays are started on first
/// use, one process per target name and transport (<c>ws</c> or <c>wss</c>).
/// </summary>
internal sealed partial class RunContext(string root, string outDir, RunSettings settings, List<string> notes, string[] targetNames, RelayVariant? variant,
    string? relayDll = null)
{
    private readonly Targets _targets = new(root, outDir, relayDll, Net.BenchTls.WritePem(Path.Combine(outDir, "tls")));
    private readonly string _self = typeof(RunContext).Assembly.Location;
    private readonly string _runTag = Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
    private int _tagCounter;
    private readonly Dictionary<(string Name, bool Tls), (ChildProcess Process, int Port)> _relays = [];
    private ChildProcess? _nginx;
    private ChildProcess? _echo;
    private int _nginxPort;
    private int _nginxTlsPort;
    private int _echoPort;
    private int _echoTlsPort;
    private int[] _nginxPids = [];

    /// <summary>Count the target's system calls during every measured window (<c>--perf-stat</c>).</summary>
    public bool PerfStatOn { get; init; }

    /// <summary>Remarks for the report (failures, deviations).</summary>
    public List<string> Notes => notes;

    private string NextTag() => _runTag + (++_tagCounter).ToString("x2", CultureInfo.InvariantCulture);

    private ChildProcess StartWorker(string command, IEnumerable<string> args, string logName) =>
        new("dotnet", [_self, command, .. args], null, Path.Combine(outDir, logName));

    private string PhoneUrl(string target, bool tls = false) => (tls ? "wss" : "ws") + target switch
    {
        _ when IsRelay(target) => $"://127.0.0.1:{Relay(target, tls).Port}/v1/client",
        "nginx" => $"://127.0.0.1:{(tls ? _nginxTlsPort : _nginxPort)}/echo",
        _ => $"://127.0.0.1:{(tls ? _echoTlsPort : _echoPort)}/echo",
    };

    private string BinaryUrl(string target, bool tls) => $"{(tls ? "wss" : "ws")}://127.0.0.1:{Relay(target, tls).Port}/v1/server";

    private void StartEcho()
    {
        _echoPort = Targets.FreePort();
        _echoTlsPort = Targets.FreePort();
        _echo = _targets.StartEcho(_echoPort, _echoTlsPort);
    }

    private void StartNginx()
    {
        _nginxPort = Targets.FreePort();
        _nginxTlsPort = Targets.FreePort();
        _nginx = _targets.StartNginx(_nginxPort, _echoPort, _nginxTlsPort, _echoTlsPort);
        Thread.Sleep(300);
        _nginxPids = [_nginx.Pid, .. ProcStats.Children(_nginx.Pid)];
    }

    private void StartAll()
    {
        StartEcho();
        StartNginx();
        foreach (var name in TargetNames.Where(IsRelay).Distinct())
        {
            Relay(name, tls: false);
        }

        Runner.Log($"started echo :{_echoPort} (tls :{_echoTlsPort}), nginx :{_nginxPort} (tls :{_nginxTlsPort}, pids {string.Join(',', _nginxPids)}), " +
                   $"relays {string.Join(", ", _relays.Select(r => $"{r.Key.Name} :{r.Value.Port}"))}");
    }

    private void StopAll()
    {
        foreach (var (_, relay) in _relays)
        {
            relay.Process.Dispose();
        }

        _relays.Clear();
        _nginx?.Dispose();
        _echo?.Dispose();
        _nginx = _echo = null;
    }

    private string[] TargetNames => targetNames;

    private static bool IsRelay(string target) => target.StartsWith("relay", StringComparison.Ordinal);

    /// <summary>The relay process of <paramref name="name"/> over <c>ws</c> or <c>wss</c>, started on first use.</summary>
    private (ChildProcess Process, int Port) Relay(string name, bool tls = false)
    {
        if (!_relays.TryGetValue((name, tls), out var relay))
        {
            var port = Targets.FreePort();
            var v = name == "relay-b" ? variant : null;
            relay = (_targets.StartRelay(port, name, v?.Dll, v?.Environment, tls), port);
            _relays[(name, tls)] = relay;
            if (tls)
            {
                Runner.Log($"started {name} (wss) :{port}");
            }
        }

        return relay;
    }

    private (int Binaries, int Phones) RelayHealth(string target, bool tls)
    {
        using var handler = new HttpClientHandler
        {
            // The run's own self-signed certificate: the name must match, only the chain is untrusted.
            ServerCertificateCustomValidationCallback = static (_, _, _, errors) =>
                (errors & ~System.Net.Security.SslPolicyErrors.RemoteCertificateChainErrors) == System.Net.Security.SslPolicyErrors.None,
        };
        using var http = new HttpClient(handler);
        var port = Relay(target, tls).Port;
        using var request = new HttpRequestMessage(HttpMethod.Get, new Uri(tls ? $"https://127.0.0.1:{port}/healthz" : $"http://127.0.0.1:{port}/healthz"));
        if (tls)
        {
            request.Headers.Host = $"{Net.BenchTls.Domain}:{port}";
        }

        using var response = http.Send(request);
        using var doc = JsonDocument.Parse(response.Content.ReadAsStream());
        return (doc.RootElement.GetProperty("connected_binaries").GetInt32(), doc.RootElement.GetProperty("connected_phones").GetInt32());
    }

    private void WaitRelay(string target, bool tls, Func<(int Binaries, int Phones), bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!done(RelayHealth(target, tls)))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{target}: {what} not reached; health {RelayHealth(target, tls)}");
            }

            Thread.Sleep(20);
        }
    }
}
