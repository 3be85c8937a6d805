using System.Buffers;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Server.Kestrel.Transport.Sockets;
using Microsoft.Extensions.Logging.Abstractions;
using Microsoft.Extensions.Options;
using PyrycodeRelay.Hosting;
using PyrycodeRelay.Transport;

namespace PyrycodeRelay.Tests.Transport;

/// <summary>An epoll transport listening on 127.0.0.1:0, with a real TCP client and the accepted connection.</summary>
internal sealed class EpollRig : IAsyncDisposable
{
    public static readonly TimeSpan Timeout = TimeSpan.FromSeconds(20);

    private EpollRig(EpollTransportFactory factory, IConnectionListener listener, TransportMemoryPool pool)
    {
        Factory = factory;
        Listener = listener;
        Pool = pool;
    }

    public EpollTransportFactory Factory { get; }

    public IConnectionListener Listener { get; }

    public TransportMemoryPool Pool { get; }

    public int Port => ((IPEndPoint)Listener.EndPoint).Port;

    public static async Task<EpollRig> StartAsync(int maxRead = 65536, int maxWrite = 65536)
    {
        var pool = new TransportMemoryPool(32768, 1 << 20);
        var fallback = new SocketTransportFactory(Options.Create(new SocketTransportOptions()), NullLoggerFactory.Instance);
        var factory = new EpollTransportFactory(fallback, pool, maxRead, maxWrite);
        var listener = await factory.BindAsync(new IPEndPoint(IPAddress.Loopback, 0));
        return new EpollRig(factory, listener, pool);
    }

    /// <summary>Connects a client and accepts its connection.</summary>
    public async Task<(Socket Client, EpollConnection Server)> ConnectAsync()
    {
        var client = new Socket(AddressFamily.InterNetwork, SocketType.Stream, ProtocolType.Tcp) { NoDelay = true };
        var accept = Listener.AcceptAsync().AsTask();
        await client.ConnectAsync(IPAddress.Loopback, Port).WaitAsync(Timeout);
        var server = Assert.IsType<EpollConnection>(await accept.WaitAsync(Timeout));
        return (client, server);
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from the connection's input.</summary>
    public static async Task<byte[]> ReadInputAsync(PipeReader input, int count)
    {
        var bytes = new byte[count];
        var got = 0;
        while (got < count)
        {
            var result = await input.ReadAsync().AsTask().WaitAsync(Timeout);
            var take = (int)Math.Min(result.Buffer.Length, count - got);
            var slice = result.Buffer.Slice(0, take);
            slice.CopyTo(bytes.AsSpan(got));
            got += take;
            input.AdvanceTo(slice.End);
            Assert.False(result.IsCompleted && got < count, $"input ended after {got} of {count} bytes");
        }

        return bytes;
    }

    /// <summary>Reads exactly <paramref name="count"/> bytes from the client socket.</summary>
    public static async Task<byte[]> ReadClientAsync(Socket client, int count)
    {
        var bytes = new byte[count];
        var got = 0;
        while (got < count)
        {
            var n = await client.ReceiveAsync(bytes.AsMemory(got)).AsTask().WaitAsync(Timeout);
            Assert.True(n > 0, $"the client saw the end of stream after {got} of {count} bytes");
            got += n;
        }

        return bytes;
    }

    /// <summary>A pattern that shows any loss, duplication or reordering.</summary>
    public static byte[] Pattern(int length, int seed)
    {
        var bytes = new byte[length];
        for (var i = 0; i < length; i++)
        {
            bytes[i] = (byte)((i * 31) + (i >> 8) + seed);
        }

        return bytes;
    }

    public async ValueTask DisposeAsync()
    {
        await Listener.DisposeAsync();
        Pool.Dispose();
    }
}
