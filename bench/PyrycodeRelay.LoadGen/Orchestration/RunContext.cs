using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>State shared by the scenarios of one run: paths, settings, the running targets.</summary>
internal sealed partial class RunContext(string root, string outDir, RunSettings settings, List<string> notes, string[] targetNames, RelayVariant? variant)
{
    private readonly Targets _targets = new(root, outDir);
    private readonly string _self = typeof(RunContext).Assembly.Location;
    private readonly string _runTag = Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
    private int _tagCounter;
    private readonly Dictionary<string, (ChildProcess Process, int Port)> _relays = new(StringComparer.Ordinal);
    private ChildProcess? _nginx;
    private ChildProcess? _echo;
    private int _nginxPort;
    private int _echoPort;
    private int[] _nginxPids = [];

    /// <summary>Remarks for the report (failures, deviations).</summary>
    public List<string> Notes => notes;

    private string NextTag() => _runTag + (++_tagCounter).ToString("x2", CultureInfo.InvariantCulture);

    private ChildProcess StartWorker(string command, IEnumerable<string> args, string logName) =>
        new("dotnet", [_self, command, .. args], null, Path.Combine(outDir, logName));

    private string PhoneUrl(string target) => target switch
    {
        _ when IsRelay(target) => $"ws://127.0.0.1:{_relays[target].Port}/v1/client",
        "nginx" => $"ws://127.0.0.1:{_nginxPort}/echo",
        _ => $"ws://127.0.0.1:{_echoPort}/echo",
    };

    private void StartAll()
    {
        _echoPort = Targets.FreePort();
        _echo = _targets.StartEcho(_echoPort);
        _nginxPort = Targets.FreePort();
        _nginx = _targets.StartNginx(_nginxPort, _echoPort);
        Thread.Sleep(300);
        _nginxPids = [_nginx.Pid, .. ProcStats.Children(_nginx.Pid)];
        foreach (var name in TargetNames.Where(IsRelay).Distinct())
        {
            StartRelay(name);
        }

        Runner.Log($"started echo :{_echoPort}, nginx :{_nginxPort} (pids {string.Join(',', _nginxPids)}), relays {string.Join(", ", _relays.Select(r => $"{r.Key} :{r.Value.Port}"))}");
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

    private void StartRelay(string name)
    {
        var port = Targets.FreePort();
        var v = name == "relay-b" ? variant : null;
        _relays[name] = (_targets.StartRelay(port, name, v?.Dll, v?.Environment), port);
    }

    private (int Binaries, int Phones) RelayHealth(string target)
    {
        using var http = new HttpClient();
        using var doc = JsonDocument.Parse(http.GetStringAsync(new Uri($"http://127.0.0.1:{_relays[target].Port}/healthz")).GetAwaiter().GetResult());
        return (doc.RootElement.GetProperty("connected_binaries").GetInt32(), doc.RootElement.GetProperty("connected_phones").GetInt32());
    }

    private void WaitRelay(string target, Func<(int Binaries, int Phones), bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!done(RelayHealth(target)))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"{target}: {what} not reached; health {RelayHealth(target)}");
            }

            Thread.Sleep(20);
        }
    }
}
