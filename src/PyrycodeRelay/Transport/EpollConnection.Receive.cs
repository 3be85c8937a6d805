using System.IO.Pipelines;
using Microsoft.AspNetCore.Connections;

namespace PyrycodeRelay.Transport;

internal sealed partial class EpollConnection
{
    /// <summary>The smallest free space a receive asks the input pipe for (the pool hands out whole blocks).</summary>
    private const int MinReceiveBytes = 4096;

    private ReceiveState _receive = ReceiveState.Idle;
    private bool _readAgain;
    private volatile bool _peerClosed; // the loop saw EPOLLRDHUP/HUP/ERR: a short read does not mean drained any more

    /// <summary>Receives that found the input pipe full and waited for the application to read (tests).</summary>
    internal int ReceivePauses { get; private set; }

    private enum ReceiveState
    {
        /// <summary>Waiting for the loop's next readable event; no receive in progress.</summary>
        Idle,

        /// <summary>A thread is receiving and flushing into the input pipe.</summary>
        Receiving,

        /// <summary>The input pipe is full; the flush's completion resumes receiving.</summary>
        Paused,

        /// <summary>End of stream, error or shutdown: the input pipe is complete.</summary>
        Done,
    }

    /// <summary>The socket may have data: receive unless a receive is already running (which then goes on).</summary>
    private void OnReadable()
    {
        lock (_lock)
        {
            switch (_receive)
            {
                case ReceiveState.Idle:
                    _receive = ReceiveState.Receiving;
                    break;
                case ReceiveState.Receiving or ReceiveState.Paused:
                    _readAgain = true;
                    return;
                default:
                    return;
            }
        }

        Receive();
    }

    /// <summary>
    /// Receives until the socket is drained: a receive that fills less than the space offered means the kernel had
    /// no more, and with edge-triggered registration the loop reports the socket again when more arrives. Each
    /// receive is flushed at once, so the application parses and forwards it on this thread.
    /// </summary>
    private void Receive()
    {
        try
        {
            while (true)
            {
                var memory = _input.GetMemory(MinReceiveBytes);
                var n = LinuxSockets.Receive(Fd, memory.Span);
                if (n > 0)
                {
                    _input.Advance(n);
                    var flush = _input.FlushAsync();
                    if (!flush.IsCompleted)
                    {
                        lock (_lock)
                        {
                            _receive = ReceiveState.Paused;
                            ReceivePauses++;
                        }

                        _ = ResumeAfterFlushAsync(flush);
                        return;
                    }

                    var result = flush.GetAwaiter().GetResult();
                    if (result.IsCompleted || result.IsCanceled)
                    {
                        EndReceive(null); // the application stopped reading, or the connection shut down
                        return;
                    }

                    if (n == memory.Length || _peerClosed)
                    {
                        continue; // the space is full: there may be more; or the end of stream follows the data
                    }
                }
                else if (n != -LinuxSockets.EAGAIN && n != 0)
                {
                    EndReceive(new ConnectionResetException($"recv failed: errno {-n}")); // reset, also after a hang-up event
                    return;
                }
                else if (n == 0 || _peerClosed)
                {
                    EndReceive(null); // end of stream
                    return;
                }

                lock (_lock)
                {
                    if (_shutdown)
                    {
                        _receive = ReceiveState.Done;
                    }
                    else if (_readAgain)
                    {
                        _readAgain = false;
                        continue;
                    }
                    else
                    {
                        _receive = ReceiveState.Idle;
                        return;
                    }
                }

                CompleteReceive(null);
                return;
            }
        }
        catch (Exception ex)
        {
            EndReceive(ex);
        }
    }

    private async Task ResumeAfterFlushAsync(ValueTask<FlushResult> flush)
    {
        FlushResult result;
        try
        {
            result = await flush;
        }
        catch (Exception ex)
        {
            EndReceive(ex);
            return;
        }

        var resume = false;
        lock (_lock)
        {
            if (!(result.IsCompleted || result.IsCanceled || _shutdown))
            {
                _receive = ReceiveState.Receiving;
                _readAgain = false;
                resume = true;
            }
        }

        if (!resume)
        {
            EndReceive(null); // the application stopped reading, or the connection shut down while paused
            return;
        }

        Receive(); // data may be waiting with no new edge to report it
    }

    private void EndReceive(Exception? error)
    {
        lock (_lock)
        {
            _receive = ReceiveState.Done;
        }

        CompleteReceive(error);
    }

    /// <summary>Completes the input pipe (the shutdown's reason wins over the error it caused) and the side.</summary>
    private void CompleteReceive(Exception? error)
    {
        Exception? reason;
        lock (_lock)
        {
            reason = _shutdownReason ?? error;
        }

        _input.Complete(reason);
        FireConnectionClosed();
        SideDone();
    }
}
