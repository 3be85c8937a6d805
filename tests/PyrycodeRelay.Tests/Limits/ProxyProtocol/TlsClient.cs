using System.Net.Security;
using System.Net.Sockets;
using System.Security.Cryptography.X509Certificates;
using System.Text;

namespace PyrycodeRelay.Tests.Limits.ProxyProtocol;

/// <summary>A TLS + HTTP/1.1 client over a raw socket, optionally preceded by PROXY header bytes.</summary>
internal static class TlsClient
{
    /// <summary>
    /// Sends <paramref name="prefix"/> in the same write as the TLS ClientHello (so the server receives header
    /// and TLS bytes together), completes TLS, sends <c>GET path</c> with <c>Connection: close</c> and returns
    /// the whole response text.
    /// </summary>
    public static async Task<string> GetAsync(Socket socket, byte[]? prefix, string path, CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true, ValidateServer);
        await ssl.AuthenticateAsClientAsync(Options, cancellationToken);
        var request = Encoding.ASCII.GetBytes($"GET {path} HTTP/1.1\r\nHost: relay.test\r\nConnection: close\r\n\r\n");
        await ssl.WriteAsync(request, cancellationToken);
        using var reader = new StreamReader(ssl, Encoding.ASCII);
        return await reader.ReadToEndAsync(cancellationToken);
    }

    /// <summary>Attempts a TLS handshake; returns the bytes received from the server (expected: none).</summary>
    public static async Task<(long BytesReceived, Exception? Error)> TryHandshakeAsync(Socket socket, byte[]? prefix,
        CancellationToken cancellationToken)
    {
        using var network = new NetworkStream(socket, ownsSocket: false);
        using var counting = new CountingStream(network, prefix);
        using var ssl = new SslStream(counting, leaveInnerStreamOpen: true, ValidateServer);
        try
        {
            await ssl.AuthenticateAsClientAsync(Options, cancellationToken);
            return (counting.BytesRead, null);
        }
        catch (Exception e) when (e is IOException or System.Security.Authentication.AuthenticationException)
        {
            return (counting.BytesRead, e);
        }
    }

    private static SslClientAuthenticationOptions Options => new()
    {
        TargetHost = "relay.test",
        ApplicationProtocols = [SslApplicationProtocol.Http11],
    };

    private static bool ValidateServer(object sender, X509Certificate? certificate, X509Chain? chain, SslPolicyErrors errors) =>
        certificate is not null && certificate.GetCertHashString() == TestCertificate.Server.GetCertHashString();

    /// <summary>Counts bytes read; prepends a prefix to the first write.</summary>
    private sealed class CountingStream(Stream inner, byte[]? prefix) : Stream
    {
        private byte[]? _prefix = prefix;

        public long BytesRead { get; private set; }

        public override bool CanRead => true;

        public override bool CanSeek => false;

        public override bool CanWrite => true;

        public override long Length => throw new NotSupportedException();

        public override long Position
        {
            get => throw new NotSupportedException();
            set => throw new NotSupportedException();
        }

        public override async ValueTask<int> ReadAsync(Memory<byte> buffer, CancellationToken cancellationToken = default)
        {
            var n = await inner.ReadAsync(buffer, cancellationToken);
            BytesRead += n;
            return n;
        }

        public override Task<int> ReadAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            ReadAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override async ValueTask WriteAsync(ReadOnlyMemory<byte> buffer, CancellationToken cancellationToken = default)
        {
            if (_prefix is { } p)
            {
                _prefix = null;
                await inner.WriteAsync((byte[])[.. p, .. buffer.Span], cancellationToken);
                return;
            }

            await inner.WriteAsync(buffer, cancellationToken);
        }

        public override Task WriteAsync(byte[] buffer, int offset, int count, CancellationToken cancellationToken) =>
            WriteAsync(buffer.AsMemory(offset, count), cancellationToken).AsTask();

        public override Task FlushAsync(CancellationToken cancellationToken) => inner.FlushAsync(cancellationToken);

        public override void Flush() => inner.Flush();

        public override int Read(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override void Write(byte[] buffer, int offset, int count) => throw new NotSupportedException();

        public override long Seek(long offset, SeekOrigin origin) => throw new NotSupportedException();

        public override void SetLength(long value) => throw new NotSupportedException();
    }
}
