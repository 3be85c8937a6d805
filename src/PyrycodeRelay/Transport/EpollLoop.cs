using System.Runtime.InteropServices;

namespace PyrycodeRelay.Transport;

/// <summary>
/// One event loop of the epoll transport: a thread that waits on its own epoll set and runs each ready connection's
/// receive (and a blocked send's resumption) on the spot. The relay's forwarding then runs inline on this thread, as
/// in an nginx worker (docs/architecture.md#concurrency-model). Loops live for the process: one per core, shared by
/// every listener, each connection on one loop for its life.
/// </summary>
/// <remarks>
/// Registration is edge-triggered (<c>EPOLLET</c>): the kernel reports a socket again only when new data or buffer
/// space arrives, so a receive that comes back short needs no second <c>recv</c> to learn the socket is drained,
/// and an idle socket costs no call at all. An event names its connection by slot and serial; a stale event for a
/// connection that left its slot is ignored.
/// </remarks>
internal sealed unsafe class EpollLoop
{
    private const int MaxEvents = 256;
    private const int SlotBits = 24;
    private const ulong SlotMask = (1UL << SlotBits) - 1;

    private static readonly Lazy<EpollLoop[]> All = new(Start);
    private static int s_next;

    /// <summary>
    /// Loops to start (read once, when the first connection registers): one per core. The test process raises it,
    /// because there dozens of in-process relays share one set of loops where each relay process has its own.
    /// </summary>
    internal static int LoopCount { get; set; } = Math.Max(1, Environment.ProcessorCount);

    private readonly Lock _lock = new();
    private readonly int _epoll;
    private readonly Stack<int> _freeSlots = new();
    private EpollConnection?[] _slots = new EpollConnection?[256];
    private int _used;
    private ulong _serial;

    private EpollLoop(int index)
    {
        _epoll = LinuxSockets.CreateEpoll();
        var thread = new Thread(Run) { IsBackground = true, Name = $"relay epoll {index}" };
        thread.UnsafeStart();
    }

    /// <summary>Registers <paramref name="connection"/> on the next loop (round robin); false if the kernel refused.</summary>
    public static bool TryRegister(EpollConnection connection, out int errno)
    {
        var loops = All.Value;
        var loop = loops[(int)((uint)Interlocked.Increment(ref s_next) % (uint)loops.Length)];
        return loop.TryAdd(connection, out errno);
    }

    /// <summary>Takes <paramref name="connection"/> out of its slot (its socket is closed, or about to be).</summary>
    public void Remove(EpollConnection connection)
    {
        lock (_lock)
        {
            var slot = (int)(connection.Token & SlotMask);
            if (slot < _slots.Length && ReferenceEquals(_slots[slot], connection))
            {
                _slots[slot] = null;
                _freeSlots.Push(slot);
            }
        }
    }

    private static EpollLoop[] Start()
    {
        var loops = new EpollLoop[Math.Max(1, LoopCount)];
        for (var i = 0; i < loops.Length; i++)
        {
            loops[i] = new EpollLoop(i);
        }

        return loops;
    }

    private bool TryAdd(EpollConnection connection, out int errno)
    {
        lock (_lock)
        {
            if (!_freeSlots.TryPop(out var slot))
            {
                slot = _used++;
                if (slot == _slots.Length)
                {
                    Array.Resize(ref _slots, _slots.Length * 2);
                }
            }

            connection.Loop = this;
            connection.Token = (++_serial << SlotBits) | (uint)slot;
            _slots[slot] = connection;
        }

        errno = -LinuxSockets.Add(_epoll, connection.Fd, connection.Token);
        if (errno != 0)
        {
            Remove(connection);
            return false;
        }

        return true;
    }

    private void Run()
    {
        var events = (byte*)NativeMemory.Alloc((nuint)(MaxEvents * LinuxSockets.EventSize));
        var size = LinuxSockets.EventSize;
        var dataOffset = LinuxSockets.EventDataOffset;
        while (true)
        {
            var n = LinuxSockets.Wait(_epoll, events, MaxEvents);
            for (var i = 0; i < n; i++)
            {
                var e = events + (i * size);
                var token = *(ulong*)(e + dataOffset);
                var slots = Volatile.Read(ref _slots);
                var slot = (int)(token & SlotMask);
                var connection = slot < slots.Length ? slots[slot] : null;
                if (connection is not null && connection.Token == token)
                {
                    Dispatch(connection, *(uint*)e);
                }
            }
        }
    }

    private static void Dispatch(EpollConnection connection, uint events)
    {
        try
        {
            connection.OnEvents(events);
        }
        catch (Exception ex)
        {
            // The application runs inline here and reports its own failures; whatever still escapes ends this
            // connection, never the loop that serves the others.
            connection.Abort(new Microsoft.AspNetCore.Connections.ConnectionAbortedException("unexpected error on the event loop", ex));
        }
    }
}
