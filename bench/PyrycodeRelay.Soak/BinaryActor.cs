using System.Collections.Concurrent;
using System.Text.Json;

namespace PyrycodeRelay.Soak;

/// <summary>
/// A binary: learns conn_ids from phone frames, checks each phone's frames arrive as n = 1, 2, 3 …, records
/// close notices, and sends sequence-numbered frames to phones.
/// </summary>
internal sealed class BinaryActor
{
    private readonly Stats _stats;
    private readonly ConcurrentDictionary<string, long> _received = new();
    private readonly ConcurrentDictionary<string, long> _sent = new();
    private readonly SemaphoreSlim _sendLock = new(1, 1);
    private readonly TaskCompletionSource<PeerEnd> _ended = new(TaskCreationOptions.RunContinuationsAsynchronously);

    public BinaryActor(string name, Peer peer, Stats stats)
    {
        Name = name;
        Peer = peer;
        _stats = stats;
    }

    public string Name { get; }

    public Peer Peer { get; }

    /// <summary>phone name → conn_id, learned from the first frame.</summary>
    public ConcurrentDictionary<string, string> ConnIds { get; } = new();

    /// <summary>conn_id → close notice code.</summary>
    public ConcurrentDictionary<string, int> Notices { get; } = new();

    public volatile Expect? Expected;

    public Task<PeerEnd> Ended => _ended.Task;

    public void Start() => _ = Task.Run(async () =>
    {
        try
        {
            await ReadLoopAsync();
        }
        catch (Exception ex)
        {
            _stats.Violation($"binary {Name}: harness reader failed: {ex.Message}");
            _ended.TrySetResult(new PeerEnd(null, "", true));
        }
    });


    public long ReceivedFrom(string connId) => _received.TryGetValue(connId, out var v) ? v : 0;

    public long SentTo(string connId) => _sent.TryGetValue(connId, out var v) ? v : 0;

    /// <summary>Sends the next frame to <paramref name="connId"/>, padded to <paramref name="padding"/> bytes.</summary>
    public async Task<bool> SendNextAsync(string connId, int padding = 0)
    {
        await _sendLock.WaitAsync();
        try
        {
            var n = SentTo(connId) + 1;
            var pad = padding > 0 ? $",\"pad\":\"{new string('x', padding)}\"" : "";
            if (!await Peer.SendAsync($"{{\"conn_id\":\"{connId}\",\"frame\":{{\"n\":{n}{pad}}}}}", TimeSpan.FromSeconds(10)))
            {
                return false;
            }

            _sent[connId] = n;
            return true;
        }
        finally
        {
            _sendLock.Release();
        }
    }

    private async Task ReadLoopAsync()
    {
        var buffer = new byte[16 * 1024];
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
                OnMessage(text);
            }
            catch (Exception ex) when (ex is JsonException or KeyNotFoundException or InvalidOperationException)
            {
                _stats.Violation($"binary {Name}: unexpected message '{text[..Math.Min(text.Length, 80)]}'");
            }
        }

        if (!end.Aborted)
        {
            await Peer.CloseAsync(end.Code ?? 1000, TimeSpan.FromSeconds(5));
        }

        Expect.Check(_stats, "binary", Name, Expected, end);
        _ended.TrySetResult(end);
        await Peer.DisposeAsync();
    }

    private void OnMessage(string text)
    {
        using var doc = JsonDocument.Parse(text);
        var root = doc.RootElement;
        var connId = root.GetProperty("conn_id").GetString()!;
        if (root.TryGetProperty("frame", out var frame))
        {
            var name = frame.GetProperty("p").GetString()!;
            var n = frame.GetProperty("n").GetInt64();
            if (n == 1 && !ConnIds.TryAdd(name, connId))
            {
                _stats.Violation($"binary {Name}: second first-frame from phone {name}");
            }

            var last = ReceivedFrom(connId);
            _stats.CheckSequence($"binary {Name} phone→binary from {name} ({connId})", ref last, n);
            _received[connId] = last;
            Interlocked.Increment(ref _stats.FramesPhoneToBinary);
            return;
        }

        var code = root.GetProperty("close_code").GetInt32();
        if (!Notices.TryAdd(connId, code))
        {
            _stats.Violation($"binary {Name}: second close notice for {connId}");
        }

        _stats.Count("close notices");
    }
}
