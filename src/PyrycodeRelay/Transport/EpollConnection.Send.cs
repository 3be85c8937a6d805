using System.Buffers;
using System.Runtime.CompilerServices;
using System.Threading.Tasks.Sources;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Transport;

internal sealed partial class EpollConnection : IValueTaskSource<bool>
{
    private const int MaxVectors = 64;

    private ManualResetValueTaskSourceCore<bool> _writable; // continuations run inline: on the loop, when writable
    private int _sendWaiting; // 1 while the send loop waits for the writable event
    private int _writableEvents;
    [ThreadStatic]
    private static MemoryHandle[]? t_pins; // SendOnce pins, sends and unpins without yielding: one set per thread

    /// <summary>Sends that found the kernel's buffer full and waited for the writable event (tests).</summary>
    internal int WritableWaits { get; private set; }

    /// <summary>
    /// Sends what the application flushes, on the flushing thread (the output pipe resumes this loop inline): one
    /// <c>send</c>, or one <c>sendmsg</c> over all the pipe's pieces, per flush. Only when the kernel's buffer is full
    /// does it wait, for the loop's writable event.
    /// </summary>
    private async Task SendLoopAsync()
    {
        Exception? error = null; // a failed send: the connection was reset or aborted
        Exception? unexpected = null;
        try
        {
            while (true)
            {
                var result = await _output.ReadAsync();
                if (result.IsCanceled)
                {
                    break;
                }

                var buffer = result.Buffer;
                var end = buffer.End;
                while (!buffer.IsEmpty)
                {
                    var seen = Volatile.Read(ref _writableEvents);
                    var n = SendOnce(buffer);
                    if (n > 0)
                    {
                        buffer = buffer.Slice(n);
                    }
                    else if (n == -LinuxSockets.EAGAIN)
                    {
                        if (!await WaitWritableAsync(seen))
                        {
                            break; // shut down while waiting
                        }
                    }
                    else
                    {
                        error = new ConnectionResetException($"send failed: errno {-n}");
                        break;
                    }
                }

                if (!buffer.IsEmpty)
                {
                    break; // unsent: completing the pipe (below) answers the application's pending flush with IsCompleted
                }

                _output.AdvanceTo(end);
                if (result.IsCompleted)
                {
                    break;
                }
            }
        }
        catch (Exception ex)
        {
            error = unexpected = ex;
        }
        finally
        {
            Shutdown(error);
            _output.Complete(unexpected); // as Kestrel's socket transport: a reset completes the output without error
            SideDone();
        }
    }

    private unsafe int SendOnce(in ReadOnlySequence<byte> buffer)
    {
        if (buffer.IsSingleSegment)
        {
            return LinuxSockets.Send(Fd, buffer.FirstSpan);
        }

        var pins = t_pins ??= new MemoryHandle[MaxVectors];
        var vectors = stackalloc LinuxSockets.IoVector[MaxVectors];
        var count = 0;
        try
        {
            foreach (var segment in buffer)
            {
                if (segment.IsEmpty)
                {
                    continue;
                }

                pins[count] = segment.Pin();
                vectors[count].Base = pins[count].Pointer;
                vectors[count].Length = segment.Length;
                if (++count == MaxVectors)
                {
                    break;
                }
            }

            return LinuxSockets.SendVector(Fd, vectors, count);
        }
        finally
        {
            for (var i = 0; i < count; i++)
            {
                pins[i].Dispose();
            }
        }
    }

    /// <summary>Waits for the loop's next writable event after <paramref name="seen"/>; false if shut down meanwhile.</summary>
    private ValueTask<bool> WaitWritableAsync(int seen)
    {
        lock (_lock)
        {
            if (_shutdown)
            {
                return new ValueTask<bool>(false);
            }

            _writable.Reset();
            Interlocked.Exchange(ref _sendWaiting, 1); // a full fence: the loop's count below is read after this is seen
            if (Volatile.Read(ref _writableEvents) != seen)
            {
                _sendWaiting = 0;
                return new ValueTask<bool>(true); // the space arrived between the send and now: try again
            }

            WritableWaits++;
            return new ValueTask<bool>(this, _writable.Version);
        }
    }

    /// <summary>The socket reported buffer space (the loop's thread): resume a waiting send.</summary>
    private void OnWritable()
    {
        // Almost every event carries EPOLLOUT (edge-triggered events report the whole state), so the common case
        // takes no lock: the count is published with a full fence before the waiting flag is read, and a sender
        // sets the flag with a full fence before it reads the count (WaitWritableAsync), so one of them sees the other.
        Interlocked.Increment(ref _writableEvents);
        if (Volatile.Read(ref _sendWaiting) == 0)
        {
            return;
        }

        bool wake;
        lock (_lock)
        {
            wake = _sendWaiting == 1;
            _sendWaiting = 0;
        }

        if (wake)
        {
            _writable.SetResult(true);
        }
    }

    bool IValueTaskSource<bool>.GetResult(short token) => _writable.GetResult(token);

    ValueTaskSourceStatus IValueTaskSource<bool>.GetStatus(short token) => _writable.GetStatus(token);

    void IValueTaskSource<bool>.OnCompleted(Action<object?> continuation, object? state, short token, ValueTaskSourceOnCompletedFlags flags) =>
        _writable.OnCompleted(continuation, state, token, flags);
}
