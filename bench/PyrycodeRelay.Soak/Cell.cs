using System.Diagnostics;

namespace PyrycodeRelay.Soak;

/// <summary>
/// One server-id and its churn: a binary, a few phones, rounds of traffic with one phone event each, then a
/// binary event (reclaim, grace expiry, takeover, duplicate claim or nothing). Every end is checked against
/// <see cref="Expect"/>; every frame against its sequence number.
/// </summary>
internal sealed partial class Cell
{
    private static readonly TimeSpan DialTimeout = TimeSpan.FromSeconds(10);
    private readonly Uri _server;
    private readonly Uri _client;
    private readonly Stats _stats;
    private readonly SoakRelayProcess _relay;
    private readonly StallMeter _stall;
    private readonly Random _rng;
    private readonly int _phonesWanted;
    private readonly List<PhoneActor> _phones = [];
    private BinaryActor _binary = null!;
    private bool _claimPending;
    private int _phoneCounter;
    private int _binaryCounter;

    public Cell(int index, SoakRelayProcess relay, StallMeter stall, Stats stats, int phones, int seed)
    {
        ServerId = $"soak-{index}";
        _relay = relay;
        _stall = stall;
        _server = new Uri(relay.BaseUri, "/v1/server");
        _client = new Uri(relay.BaseUri, "/v2/client");
        _stats = stats;
        _phonesWanted = phones;
        _rng = new Random(seed);
    }

    public string ServerId { get; }

    public async Task RunAsync(DateTime deadline)
    {
        try
        {
            _binary = await ConnectBinaryAsync();
            while (DateTime.UtcNow < deadline)
            {
                await EnsurePhonesAsync();
                var phoneEvent = await TrafficAsync();
                await QuiesceAsync(phoneEvent);
                await BinaryEventAsync();
            }

            await FinishAsync();
        }
        catch (Exception ex)
        {
            _stats.Violation($"cell {ServerId} crashed: {ex}");
        }
    }

    private async Task<BinaryActor> ConnectBinaryAsync()
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Pyrycode-Server"] = ServerId,
            ["X-Pyrycode-Version"] = "0.1.0-soak",
            ["User-Agent"] = "pyry-soak/0.1.0",
        };
        var peer = await Peer.ConnectAsync(_server, headers, DialTimeout);
        var binary = new BinaryActor($"{ServerId}-b{++_binaryCounter}", peer, _stats);
        binary.Start();
        _stats.Count("connections: binaries");
        _claimPending = true;
        return binary;
    }

    private async Task<PhoneActor> DialPhoneAsync()
    {
        var headers = new Dictionary<string, string>
        {
            ["X-Pyrycode-Server"] = ServerId,
            ["X-Pyrycode-Token"] = "soak-token",
            ["User-Agent"] = "pyry-phone-soak/0.1.0",
        };
        var peer = await Peer.ConnectAsync(_client, headers, DialTimeout, receiveBuffer: 64 * 1024);
        _stats.Count("connections: phones");
        return new PhoneActor($"{ServerId}-p{++_phoneCounter}", peer, _stats);
    }

    /// <summary>Dials until <see cref="_phonesWanted"/> phones are registered with the current binary.</summary>
    private async Task EnsurePhonesAsync()
    {
        var attempts = 0;
        while (_phones.Count < _phonesWanted)
        {
            if (++attempts > 200)
            {
                _stats.Violation($"cell {ServerId}: could not register phones after 200 attempts");
                return;
            }

            var phone = await DialPhoneAsync();

            // Until the binary's claim is processed a phone may get 4404 (docs/protocol.md#phone-registration row 1); nothing else.
            phone.Expected = _claimPending ? new Expect("dialed before the claim was processed", 4404, "no server with that id") : null;
            phone.Start();
            await phone.SendNextAsync();
            var deadline = Stopwatch.StartNew();
            while (!_binary.ConnIds.ContainsKey(phone.Name) && !phone.IsEnded && deadline.Elapsed < TimeSpan.FromSeconds(5))
            {
                await Task.Delay(10);
            }

            if (_binary.ConnIds.TryGetValue(phone.Name, out var connId))
            {
                phone.Expected = null;
                phone.ConnId = connId;
                _claimPending = false;
                _phones.Add(phone);
                continue;
            }

            if (!phone.IsEnded)
            {
                _stats.Violation($"cell {ServerId}: phone {phone.Name} neither registered nor closed within 5 s");
                phone.Expected = Expect.Reset;
                phone.Peer.Reset();
            }

            await phone.Ended;
            _stats.Count("phone dial retried after 4404 (claim not yet processed)");
            await Task.Delay(20);
        }
    }

    /// <summary>Waits until <paramref name="condition"/> holds; false after <paramref name="timeout"/>.</summary>
    private static async Task<bool> WaitUntilAsync(Func<bool> condition, TimeSpan timeout)
    {
        var sw = Stopwatch.StartNew();
        while (!condition())
        {
            if (sw.Elapsed > timeout)
            {
                return false;
            }

            await Task.Delay(10);
        }

        return true;
    }

    private static async Task<bool> WithinAsync(Task task, TimeSpan timeout)
    {
        try
        {
            await task.WaitAsync(timeout);
            return true;
        }
        catch (TimeoutException)
        {
            return false;
        }
    }

    private async Task FinishAsync()
    {
        foreach (var p in _phones)
        {
            p.Expected = Expect.SelfClose(1000);
            await p.Peer.Socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        }

        foreach (var p in _phones)
        {
            if (!await WithinAsync(p.Ended, TimeSpan.FromSeconds(10)))
            {
                _stats.Violation($"phone {p.Name}: clean close not completed within 10 s");
            }

            await CheckNoticeAsync(p, 1000, allSent: true);
        }

        _phones.Clear();
        _binary.Expected = Expect.SelfClose(1000);
        await _binary.Peer.Socket.CloseOutputAsync(System.Net.WebSockets.WebSocketCloseStatus.NormalClosure, "", CancellationToken.None);
        if (!await WithinAsync(_binary.Ended, TimeSpan.FromSeconds(10)))
        {
            _stats.Violation($"binary {_binary.Name}: clean close not completed within 10 s");
        }
    }

    /// <summary>docs/protocol.md#close-notice: exactly one notice with <paramref name="code"/>, after every frame of the phone.</summary>
    private async Task CheckNoticeAsync(PhoneActor phone, int code, bool allSent)
    {
        var connId = phone.ConnId!;
        if (!await WaitUntilAsync(() => _binary.Notices.ContainsKey(connId), TimeSpan.FromSeconds(5)))
        {
            _stats.Violation($"binary {_binary.Name}: no close notice for {phone.Name} ({connId}), expected {code}");
            return;
        }

        var got = _binary.Notices[connId];
        if (got != code)
        {
            _stats.Violation($"binary {_binary.Name}: close notice {got} for {phone.Name}, expected {code}");
        }

        if (allSent && _binary.ReceivedFrom(connId) != phone.LastSent)
        {
            Interlocked.Add(ref _stats.Lost, Math.Max(0, phone.LastSent - _binary.ReceivedFrom(connId)));
            _stats.Violation($"binary {_binary.Name}: notice for {phone.Name} after {_binary.ReceivedFrom(connId)} of {phone.LastSent} frames");
        }
    }
}
