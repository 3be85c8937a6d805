using System.Globalization;
using System.Net.Http;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Load;

namespace PyrycodeRelay.LoadGen.Orchestration;

/// <summary>State shared by the scenarios of one run: paths, settings, the running targets.</summary>
internal sealed partial class RunContext(string root, string outDir, RunSettings settings, List<string> notes)
{
    private readonly Targets _targets = new(root, outDir);
    private readonly string _self = typeof(RunContext).Assembly.Location;
    private readonly string _runTag = Random.Shared.Next(0x100000, 0xFFFFFF).ToString("x6", CultureInfo.InvariantCulture);
    private int _tagCounter;
    private ChildProcess? _relay;
    private ChildProcess? _nginx;
    private ChildProcess? _echo;
    private int _relayPort;
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
        "relay" => $"ws://127.0.0.1:{_relayPort}/v1/client",
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
        _relayPort = Targets.FreePort();
        _relay = _targets.StartRelay(_relayPort);
        Runner.Log($"started echo :{_echoPort}, nginx :{_nginxPort} (pids {string.Join(',', _nginxPids)}), relay :{_relayPort}");
    }

    private void StopAll()
    {
        _relay?.Dispose();
        _nginx?.Dispose();
        _echo?.Dispose();
        _relay = _nginx = _echo = null;
    }

    private (int Binaries, int Phones) RelayHealth()
    {
        using var http = new HttpClient();
        using var doc = JsonDocument.Parse(http.GetStringAsync(new Uri($"http://127.0.0.1:{_relayPort}/healthz")).GetAwaiter().GetResult());
        return (doc.RootElement.GetProperty("connected_binaries").GetInt32(), doc.RootElement.GetProperty("connected_phones").GetInt32());
    }

    private void WaitRelay(Func<(int Binaries, int Phones), bool> done, string what)
    {
        var until = DateTime.UtcNow.AddSeconds(30);
        while (!done(RelayHealth()))
        {
            if (DateTime.UtcNow > until)
            {
                throw new TimeoutException($"relay: {what} not reached; health {RelayHealth()}");
            }

            Thread.Sleep(20);
        }
    }
}
