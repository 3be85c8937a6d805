using System.Text.Json;

namespace PyrycodeRelay.Soak;

/// <summary>A phone: sends <c>{"p":name,"n":k}</c>, checks that the binary's frames arrive as n = 1, 2, 3 … .</summary>
internal sealed class PhoneActor
{
    private readonly Stats _stats;
    private readonly TaskCompletionSource<PeerEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);
    private long _lastReceived;
    private long _lastSent;

    public PhoneActor(string name, Peer peer, Stats stats)
    {
        Name = name;
        Peer = peer;
        _stats = stats;
    }

    public string Name { get; }

    public Peer Peer { get; }

    /// <summary>The conn_id the binary learned from this phone's first frame.</summary>
    public string? ConnId { get; set; }

    /// <summary>The end this phone must see; null while nothing should end it.</summary>
    public volatile Expect? Expected;

    public long LastReceived => Interlocked.Read(ref _lastReceived);

    public long LastSent => Interlocked.Read(ref _lastSent);

    public Task<PeerEnd> Ended => _ended.Task;

    public bool IsEnded => _ended.Task.IsCompleted;

    public void Start() => _ = Task.Run(async () =>
    {
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception ex)
        {
            _stats.Violation($"phone {Name}: harness reader failed: {ex.Message}");
            _ended.TrySetResult(new PeerEnd(null, "", true));
        }
    });


    public async Task<bool> SendNextAsync()
    {
        var n = LastSent + 1;
        if (!await Peer.SendAsync($"{{\"p\":\"{Name}\",\"n\":{n}}}", TimeSpan.FromSeconds(10)))
        {
            return false;
        }

        Interlocked.Exchange(ref _lastSent, n);
        return true;
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[128 * 1024];
        PeerEnd end;
        while (true)
        {
            var (text, e) = await Peer.ReceiveAsync(buffer, CancellationToken.None);
            if (text is null)
            {
                end = e;
                break;
            }

            try
            {
                using var doc = JsonDocument.Parse(text);
                var n = doc.RootElement.GetProperty("n").GetInt64();
                var last = _lastReceived;
                _stats.CheckSequence($"phone {Name} ({ConnId}) binary→phone", ref last, n);
                Interlocked.Exchange(ref _lastReceived, last);
                Interlocked.Increment(ref _stats.FramesBinaryToPhone);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                _stats.Violation($"phone {Name}: unexpected message '{text[..Math.Min(text.Length, 80)]}'");
            }
        }

        if (!end.Aborted)
        {
            await Peer.CloseAsync(end.Code ?? 1000, TimeSpan.FromSeconds(5));
        }

        Expect.Check(_stats, "phone", Name, Expected, end);
        _ended.TrySetResult(end);
        await Peer.DisposeAsync();
    }
}
