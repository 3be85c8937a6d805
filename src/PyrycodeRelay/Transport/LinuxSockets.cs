using System.Runtime.InteropServices;

namespace PyrycodeRelay.Transport;

/// <summary>
/// The libc calls of the epoll transport (Linux only): non-blocking <c>recv</c>/<c>send</c>/<c>sendmsg</c> on a
/// connected socket and the <c>epoll</c> set its loops wait on. Every call is made with <c>MSG_DONTWAIT</c>
/// (and <c>MSG_NOSIGNAL</c> for sends), so the socket's own blocking mode does not matter.
/// </summary>
internal static unsafe partial class LinuxSockets
{
    public const int EAGAIN = 11;

    public const uint EPOLLIN = 0x001;
    public const uint EPOLLOUT = 0x004;
    public const uint EPOLLERR = 0x008;
    public const uint EPOLLHUP = 0x010;
    public const uint EPOLLRDHUP = 0x2000;
    public const uint EPOLLET = 0x80000000;

    private const int MsgDontWait = 0x40;
    private const int MsgNoSignal = 0x4000;
    private const int EpollCtlAdd = 1;
    private const int EpollCloexec = 0x80000;

    /// <summary>Bytes per <c>epoll_event</c>: packed (12) on x86-64, naturally aligned (16) elsewhere.</summary>
    public static readonly int EventSize = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 12 : 16;

    /// <summary>Offset of <c>epoll_event.data</c>.</summary>
    public static readonly int EventDataOffset = RuntimeInformation.ProcessArchitecture == Architecture.X64 ? 4 : 8;

    /// <summary>Receives into <paramref name="buffer"/>; the byte count, 0 at end of stream, or -errno.</summary>
    /// <remarks>None of these calls blocks, so none is interrupted by a signal (no <c>EINTR</c> to retry).</remarks>
    public static int Receive(int fd, Span<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return Result(recv(fd, p, buffer.Length, MsgDontWait));
        }
    }

    /// <summary>Sends from <paramref name="buffer"/>; the byte count accepted, or -errno.</summary>
    public static int Send(int fd, ReadOnlySpan<byte> buffer)
    {
        fixed (byte* p = buffer)
        {
            return Result(send(fd, p, buffer.Length, MsgDontWait | MsgNoSignal));
        }
    }

    /// <summary>Sends <paramref name="count"/> pinned pieces with one call; the byte count accepted, or -errno.</summary>
    public static int SendVector(int fd, IoVector* vectors, int count)
    {
        MessageHeader header = default;
        header.Iov = vectors;
        header.IovLen = count;
        return Result(sendmsg(fd, &header, MsgDontWait | MsgNoSignal));
    }

    /// <summary>A new epoll set (close-on-exec); throws if the kernel refuses.</summary>
    public static int CreateEpoll()
    {
        var fd = epoll_create1(EpollCloexec);
        return fd >= 0 ? fd : throw new InvalidOperationException($"epoll_create1 failed: errno {Marshal.GetLastPInvokeError()}");
    }

    /// <summary>Adds <paramref name="fd"/> to the set, edge-triggered for reads, writes and hang-ups; 0 or -errno.</summary>
    public static int Add(int epoll, int fd, ulong data)
    {
        var ev = stackalloc byte[16];
        *(uint*)ev = EPOLLIN | EPOLLOUT | EPOLLRDHUP | EPOLLET;
        *(ulong*)(ev + EventDataOffset) = data;
        return epoll_ctl(epoll, EpollCtlAdd, fd, ev) == 0 ? 0 : -Marshal.GetLastPInvokeError();
    }

    /// <summary>Waits for events (no timeout); the count, or -errno (EINTR included, for the caller to retry).</summary>
    public static int Wait(int epoll, byte* events, int max)
    {
        var n = epoll_wait(epoll, events, max, -1);
        return n >= 0 ? n : -Marshal.GetLastPInvokeError();
    }

    private static int Result(nint n) => n >= 0 ? (int)n : -Marshal.GetLastPInvokeError();

    [StructLayout(LayoutKind.Sequential)]
    internal struct IoVector
    {
        public void* Base;
        public nint Length;
    }

    [StructLayout(LayoutKind.Sequential)]
    private struct MessageHeader
    {
        public void* Name;
        public uint NameLen;
        public IoVector* Iov;
        public nint IovLen;
        public void* Control;
        public nint ControlLen;
        public int Flags;
    }

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint recv(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint send(int fd, byte* buf, nint len, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial nint sendmsg(int fd, MessageHeader* msg, int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_create1(int flags);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_ctl(int epfd, int op, int fd, byte* ev);

    [LibraryImport("libc", SetLastError = true)]
    private static partial int epoll_wait(int epfd, byte* events, int maxevents, int timeout);
}
