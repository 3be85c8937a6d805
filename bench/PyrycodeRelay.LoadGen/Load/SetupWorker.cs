using System.Diagnostics;
using System.Net.Http;
using System.Text.Json;
using PyrycodeRelay.LoadGen.Net;

namespace PyrycodeRelay.LoadGen.Load;

/// <summary>
/// Connection setup rate. Relay: claims <c>--binaries</c> server-ids, then registers <c>--phones-per</c>
/// phones on each; a phase ends when <c>/healthz</c> counts every connection (polled every 2 ms).
/// Echo/nginx: the same numbers of upgrades, a phase ending at the last 101. Prints <c>RESULT {json}</c>.
/// </summary>
internal static class SetupWorker
{
    public static async Task<int> RunAsync(WorkerArgs a)
    {
        var (remote, _) = a.Url();
        var relay = a.Get("kind", "relay") == "relay";
        var tag = a.Require("tag");
        var binaries = a.Int("binaries", 1000);
        var phonesPer = a.Int("phones-per", 4);
        var concurrency = a.Int("concurrency", 64);
        var locals = a.Locals();
        using var http = new HttpClient();
        var health = $"http://{remote}/healthz";

        var b0 = relay ? await ReadHealthAsync(http, health) : default;
        var t0 = Stopwatch.GetTimestamp();
        var (bins, _) = await Connector.ConnectAllAsync(binaries, remote, locals,
            i => (relay ? "/v1/server" : "/echo", Connector.BinaryHeaders(Connector.ServerId(tag, i))), 1024, concurrency, seed: 19);
        if (relay)
        {
            await WaitAsync(http, health, h => h.Binaries >= b0.Binaries + binaries);
        }

        var binaryTime = Stopwatch.GetElapsedTime(t0);
        var t1 = Stopwatch.GetTimestamp();
        var (phones, _) = await Connector.ConnectAllAsync(binaries * phonesPer, remote, locals,
            i => (relay ? "/v1/client" : "/echo", Connector.PhoneHeaders(Connector.ServerId(tag, i / phonesPer))), 1024, concurrency, seed: 23);
        if (relay)
        {
            await WaitAsync(http, health, h => h.Phones >= b0.Phones + (binaries * phonesPer));
        }

        var phoneTime = Stopwatch.GetElapsedTime(t1);
        WsClient[] all = [.. phones, .. bins];
        foreach (var c in all)
        {
            await c.CloseAsync();
        }

        await Task.Delay(500);
        foreach (var c in all)
        {
            c.Dispose();
        }

        Console.WriteLine("RESULT " + JsonSerializer.Serialize(new SetupResult(binaries, binaryTime.TotalSeconds, binaries * phonesPer, phoneTime.TotalSeconds)));
        return 0;
    }

    private static async Task WaitAsync(HttpClient http, string url, Func<(int Binaries, int Phones), bool> done)
    {
        var until = Stopwatch.GetTimestamp() + (Stopwatch.Frequency * 60);
        while (!done(await ReadHealthAsync(http, url)))
        {
            if (Stopwatch.GetTimestamp() > until)
            {
                throw new TimeoutException("the relay did not count every connection within 60 s");
            }

            await Task.Delay(2);
        }
    }

    private static async Task<(int Binaries, int Phones)> ReadHealthAsync(HttpClient http, string url)
    {
        using var doc = JsonDocument.Parse(await http.GetStringAsync(url));
        return (doc.RootElement.GetProperty("connected_binaries").GetInt32(), doc.RootElement.GetProperty("connected_phones").GetInt32());
    }
}

/// <summary>What a setup worker reports.</summary>
internal sealed record SetupResult(int Binaries, double BinarySeconds, int Phones, double PhoneSeconds);
