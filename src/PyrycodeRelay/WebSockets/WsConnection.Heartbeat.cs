using System.Buffers.Binary;
using System.Security.Cryptography;

namespace PyrycodeRelay.WebSockets;

/// <summary>Relay-initiated Pings: the heartbeat (docs/protocol.md#heartbeat) and the conflict probe (#conflict-probe-and-takeover).</summary>
internal sealed partial class WsConnection
{
    private ITimer? _heartbeatTimer;
    private IHeartbeatOwner? _onHeartbeatTimeout;
    private bool _pingOutstanding;
    private ulong _heartbeatPayload;
    private long _pingSentAt;
    private ProbeState? _probe;

    /// <summary>
    /// Starts the heartbeat: a Ping every interval (the first one interval from now), and
    /// <paramref name="onTimeout"/> is told if its Pong does not come back within the heartbeat timeout.
    /// </summary>
    public void StartHeartbeat(IHeartbeatOwner onTimeout)
    {
        ArgumentNullException.ThrowIfNull(onTimeout);
        lock (_gate)
        {
            _onHeartbeatTimeout = onTimeout;
            _heartbeatPayload = (ulong)RandomNumberGenerator.GetInt32(int.MaxValue) << 32;
            _heartbeatTimer = _time.CreateTimer(static s => ((WsConnection)s!).OnHeartbeatTick(), this, _options.HeartbeatInterval, Timeout.InfiniteTimeSpan);
        }
    }

    /// <summary>Stops the heartbeat without sending anything.</summary>
    public void StopHeartbeat()
    {
        lock (_gate)
        {
            _heartbeatTimer?.Dispose();
            _heartbeatTimer = null;
            _pingOutstanding = false;
        }
    }

    private void OnHeartbeatTick()
    {
        IHeartbeatOwner? timedOut = null;
        ulong payload;
        lock (_gate)
        {
            if (_heartbeatTimer is null)
            {
                return;
            }

            if (_pingOutstanding)
            {
                _pingOutstanding = false;
                _heartbeatTimer.Dispose();
                _heartbeatTimer = null;
                timedOut = _onHeartbeatTimeout;
                payload = 0;
            }
            else
            {
                payload = ++_heartbeatPayload;
                _pingOutstanding = true;
                _pingSentAt = _time.GetTimestamp();
                _heartbeatTimer.Change(_options.HeartbeatTimeout, Timeout.InfiniteTimeSpan);
            }
        }

        if (timedOut is not null)
        {
            timedOut.OnHeartbeatTimeout(this);
            return;
        }

        _ = SendPingAsync(payload);
    }

    private async Task<bool> SendPingAsync(ulong payload)
    {
        var bytes = new byte[8];
        BinaryPrimitives.WriteUInt64BigEndian(bytes, payload);
        return await SendControlAsync(WsOpcode.Ping, bytes);
    }

    /// <summary>
    /// New bytes arrived from the peer: during a conflict probe they prove the peer alive as well as the Pong does
    /// (which a slow link may deliver late), unless the connection ends before the probe does
    /// (docs/protocol.md#conflict-probe-and-takeover).
    /// </summary>
    private void OnBytesReceived()
    {
        var probe = Volatile.Read(ref _probe);
        if (probe is not null)
        {
            probe.BytesSeen = true;
        }
    }

    private void OnPong(ReadOnlySpan<byte> payload)
    {
        if (payload.Length != 8)
        {
            return; // not ours: unsolicited Pongs do not count
        }

        var value = BinaryPrimitives.ReadUInt64BigEndian(payload);
        lock (_gate)
        {
            if (_pingOutstanding && value == _heartbeatPayload && _heartbeatTimer is not null)
            {
                _pingOutstanding = false;
                var due = _options.HeartbeatInterval - _time.GetElapsedTime(_pingSentAt);
                _heartbeatTimer.Change(due > TimeSpan.Zero ? due : TimeSpan.Zero, Timeout.InfiniteTimeSpan);
            }

            if (_probe is not null && value == _probe.Payload)
            {
                _probe.Completion.TrySetResult(true);
            }
        }
    }

    /// <summary>
    /// Conflict probe: sends a Ping with a fresh random payload and reports whether the peer is alive: true as soon
    /// as the echoing Pong comes back, or at <paramref name="timeout"/> if any bytes arrived from the peer since the
    /// probe began. False when nothing arrived, when the Ping could not be written, or when the connection ended
    /// during the probe. Concurrent probes share one Ping.
    /// </summary>
    public Task<bool> ProbeAsync(TimeSpan timeout)
    {
        ProbeState probe;
        lock (_gate)
        {
            if (_probe is not null)
            {
                return _probe.Completion.Task;
            }

            if (_ended?.Task.IsCompleted == true)
            {
                return Task.FromResult(false);
            }

            probe = new ProbeState(BinaryPrimitives.ReadUInt64BigEndian(RandomNumberGenerator.GetBytes(8)) | 1UL);
            _probe = probe;
        }

        _ = RunProbeAsync(probe, timeout);
        return probe.Completion.Task;
    }

    private async Task RunProbeAsync(ProbeState probe, TimeSpan timeout)
    {
        using var timer = _time.CreateTimer(static s => ((ProbeState)s!).OnTimeout(), probe, timeout, Timeout.InfiniteTimeSpan);
        if (!await SendPingAsync(probe.Payload))
        {
            probe.Completion.TrySetResult(false);
        }

        await probe.Completion.Task;
        lock (_gate)
        {
            if (ReferenceEquals(_probe, probe))
            {
                _probe = null;
            }
        }
    }

    private sealed class ProbeState(ulong payload)
    {
        public ulong Payload { get; } = payload;

        public TaskCompletionSource<bool> Completion { get; } = new(TaskCreationOptions.RunContinuationsAsynchronously);

        /// <summary>Bytes arrived from the peer during the probe.</summary>
        public bool BytesSeen
        {
            get => Volatile.Read(ref _bytesSeen);
            set => Volatile.Write(ref _bytesSeen, value);
        }

        private bool _bytesSeen;

        public void OnTimeout() => Completion.TrySetResult(BytesSeen);
    }
}
