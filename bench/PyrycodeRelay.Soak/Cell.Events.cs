using System.Diagnostics;
using System.Net.WebSockets;

namespace PyrycodeRelay.Soak;

/// <summary>Traffic rounds and the events that end connections.</summary>
internal sealed partial class Cell
{
    private enum PhoneEventKind
    {
        CleanClose,
        Reset,
        HalfOpen,
        StopReadingWhileFlooded,
    }

    private sealed record PhoneEvent(PhoneActor Phone, PhoneEventKind Kind, int NoticeCode, Task Done);

    /// <summary>Both directions stream sequence-numbered frames for 2–5 s; maybe one phone event.</summary>
    private async Task<PhoneEvent?> TrafficAsync()
    {
        using var stop = new CancellationTokenSource();
        var excluded = new HashSet<PhoneActor>();
        var senders = new List<Task>();
        foreach (var p in _phones)
        {
            senders.Add(LoopAsync(() => excluded.Contains(p) ? Task.CompletedTask : p.SendNextAsync(), stop.Token));
        }

        senders.Add(LoopAsync(async () =>
        {
            foreach (var p in _phones)
            {
                if (!excluded.Contains(p) && !p.IsEnded)
                {
                    await _binary.SendNextAsync(p.ConnId!);
                }
            }
        }, stop.Token));

        var length = TimeSpan.FromMilliseconds(_rng.Next(2000, 5000));
        PhoneEvent? phoneEvent = null;
        if (_rng.NextDouble() < 0.6)
        {
            await Task.Delay(length / 2);
            var phone = _phones[_rng.Next(_phones.Count)];
            lock (excluded)
            {
                excluded.Add(phone);
            }

            phoneEvent = StartPhoneEvent(phone);
            await Task.Delay(length / 2);
        }
        else
        {
            await Task.Delay(length);
        }

        await stop.CancelAsync();
        await Task.WhenAll(senders);
        return phoneEvent;
    }

    private static async Task LoopAsync(Func<Task> step, CancellationToken stop)
    {
        while (!stop.IsCancellationRequested)
        {
            await step();
            try
            {
                await Task.Delay(Random.Shared.Next(30, 90), stop);
            }
            catch (OperationCanceledException)
            {
                return;
            }
        }
    }

    private PhoneEvent StartPhoneEvent(PhoneActor phone)
    {
        var roll = _rng.Next(100);
        switch (roll)
        {
            case < 30:
                var code = _rng.Next(3) switch { 0 => 1000, 1 => 3000 + _rng.Next(1000), _ => 4000 + _rng.Next(1000) };
                phone.Expected = Expect.SelfClose(code);
                _stats.Count("phone event: clean close");
                return new PhoneEvent(phone, PhoneEventKind.CleanClose, code,
                    phone.Peer.Socket.CloseOutputAsync((WebSocketCloseStatus)code, "", CancellationToken.None));
            case < 55:
                phone.Expected = Expect.Reset;
                phone.Peer.Reset();
                _stats.Count("phone event: RST");
                return new PhoneEvent(phone, PhoneEventKind.Reset, 1001, Task.CompletedTask);
            case < 75:
                // Half-open: the phone neither reads nor writes; the relay's heartbeat (5 s + 5 s) must close it
                // 1011 `heartbeat timeout`; the close frame may or may not still be readable when it thaws.
                phone.Expected = Expect.HeartbeatTimeout("half-open (stopped reading and answering)");
                phone.Peer.Freeze();
                _stats.Count("phone event: half-open");
                return new PhoneEvent(phone, PhoneEventKind.HalfOpen, 1001, ThawLaterAsync(phone.Peer, TimeSpan.FromSeconds(16)));
            default:
                phone.Expected = Expect.BacklogFull;
                phone.Peer.Freeze();
                _stats.Count("phone event: stop reading while the binary floods");
                return new PhoneEvent(phone, PhoneEventKind.StopReadingWhileFlooded, 1001, FloodAsync(phone));
        }
    }

    private static async Task ThawLaterAsync(Peer peer, TimeSpan after)
    {
        await Task.Delay(after);
        peer.Thaw();
    }

    /// <summary>~12.5 MiB for one phone: more than its 4 MiB outbox plus the socket buffers.</summary>
    private async Task FloodAsync(PhoneActor phone)
    {
        for (var i = 0; i < 200; i++)
        {
            await _binary.SendNextAsync(phone.ConnId!, padding: 64 * 1024);
        }

        await Task.Delay(1000);
        phone.Peer.Thaw();
    }

    /// <summary>
    /// Everything sent while both ends stayed connected must have arrived (docs/protocol.md#phone-to-binary order, #phone-outbox "no
    /// gaps"); the event phone must end as expected and the binary must get its notice (#close-notice).
    /// </summary>
    private async Task QuiesceAsync(PhoneEvent? phoneEvent)
    {
        foreach (var p in _phones)
        {
            if (phoneEvent?.Phone == p)
            {
                continue;
            }

            if (!await WaitUntilAsync(() => _binary.ReceivedFrom(p.ConnId!) == p.LastSent, TimeSpan.FromSeconds(10)))
            {
                Interlocked.Add(ref _stats.Lost, p.LastSent - _binary.ReceivedFrom(p.ConnId!));
                _stats.Violation($"phone {p.Name} → binary: {_binary.ReceivedFrom(p.ConnId!)} of {p.LastSent} frames arrived within 10 s");
            }

            if (!await WaitUntilAsync(() => p.LastReceived == _binary.SentTo(p.ConnId!), TimeSpan.FromSeconds(10)))
            {
                Interlocked.Add(ref _stats.Lost, _binary.SentTo(p.ConnId!) - p.LastReceived);
                _stats.Violation($"binary → phone {p.Name}: {p.LastReceived} of {_binary.SentTo(p.ConnId!)} frames arrived within 10 s");
            }
        }

        if (phoneEvent is null)
        {
            return;
        }

        var phone = phoneEvent.Phone;
        if (!await WithinAsync(Task.WhenAll(phoneEvent.Done, phone.Ended), TimeSpan.FromSeconds(30)))
        {
            _stats.Violation($"phone {phone.Name}: {phoneEvent.Kind} did not end the connection within 30 s");
            phone.Peer.Reset();
            await phone.Ended;
        }

        // A reset phone's last frames may die with its socket; every other phone's frames precede its notice.
        await CheckNoticeAsync(phone, phoneEvent.NoticeCode, allSent: phoneEvent.Kind != PhoneEventKind.Reset);
        _phones.Remove(phone);
    }
}
