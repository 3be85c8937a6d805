using System.Buffers;
using System.Diagnostics;
using System.Globalization;
using System.Net.Security;
using System.Net.WebSockets;
using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;
using System.Text;
using System.Text.Json;

namespace PyrycodeRelay.Check;

/// <summary>The WebSocket steps of the probe.</summary>
internal sealed partial class RelayProbe
{
    private const int PhoneAttempts = 40; // the binary is not told when its claim is done: a phone may race it (4404)
    private static readonly byte[] Warmup = "\"warm-up\""u8.ToArray();
    private string? _echoError;

    private async Task<ClientWebSocket?> ConnectPhoneAsync()
    {
        for (var attempt = 1; ; attempt++)
        {
            var phone = await ConnectAsync("phone", "/v1/client", PhoneHeaders(_serverId), report: false);
            if (phone is null)
            {
                return null;
            }

            var reply = await SendAndReceiveAsync(phone, Warmup);
            if (reply.Type == WebSocketMessageType.Text && reply.Data.AsSpan().SequenceEqual(Warmup))
            {
                _report.Add("phone", true, "registered; a warm-up frame came back through the binary");
                return phone;
            }

            phone.Dispose();
            if (reply.CloseStatus != 4404 || attempt == PhoneAttempts)
            {
                _report.Add("phone", false, reply.Describe() + (_echoError is null ? "" : "; binary: " + _echoError));
                return null;
            }

            await Task.Delay(50);
        }
    }

    private async Task RoundTripsAsync(ClientWebSocket phone)
    {
        for (var i = 0; i < _options.Frames; i++)
        {
            var size = _options.Sizes[i % _options.Sizes.Count];
            var payload = Frame(i, size);
            var watch = Stopwatch.StartNew();
            var reply = await SendAndReceiveAsync(phone, payload);
            var elapsed = watch.Elapsed;
            if (reply.Type != WebSocketMessageType.Text || !reply.Data.AsSpan().SequenceEqual(payload))
            {
                _report.Add("round trips", false, $"frame {i} ({size} bytes): " + reply.Describe() + (_echoError is null ? "" : "; binary: " + _echoError));
                return;
            }

            _report.AddLatency(elapsed);
        }

        _report.Add("round trips", true, string.Create(CultureInfo.InvariantCulture,
            $"{_options.Frames} frames of {string.Join("/", _options.Sizes)} bytes came back byte for byte"));
    }

    private async Task UnknownServerIdAsync()
    {
        var unknown = "check-unknown-" + Convert.ToHexStringLower(RandomNumberGenerator.GetBytes(8));
        using var phone = await ConnectAsync("unknown server-id", "/v1/client", PhoneHeaders(unknown), report: false);
        if (phone is null)
        {
            return;
        }

        var reply = await ReceiveAsync(phone);
        var ok = reply.CloseStatus == 4404 && reply.CloseReason == "no server with that id";
        _report.Add("unknown server-id", ok, reply.Describe());
    }

    /// <summary>The binary: answers every envelope with the same frame addressed to the same conn_id.</summary>
    private async Task EchoAsync(ClientWebSocket binary)
    {
        while (true)
        {
            var message = await ReceiveAsync(binary, Timeout.InfiniteTimeSpan);
            if (message.Type != WebSocketMessageType.Text)
            {
                if (message.Type != WebSocketMessageType.Close)
                {
                    _echoError = message.Describe();
                }

                return;
            }

            if (Reply(message.Data) is not { } reply)
            {
                _echoError = "unexpected message from the relay";
                continue;
            }

            try
            {
                using var cts = new CancellationTokenSource(_options.Timeout);
                await binary.SendAsync(reply, WebSocketMessageType.Text, endOfMessage: true, cts.Token);
            }
            catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
            {
                _echoError = Describe(e);
                return;
            }
        }
    }

    /// <summary><c>{"conn_id":"c","frame":F}</c> → the same bytes: the envelope the binary sends back is identical.</summary>
    private static byte[]? Reply(byte[] envelope)
    {
        try
        {
            using var doc = JsonDocument.Parse(envelope);
            return doc.RootElement.TryGetProperty("conn_id", out var id) && id.ValueKind == JsonValueKind.String
                && doc.RootElement.TryGetProperty("frame", out _)
                ? envelope
                : null;
        }
        catch (JsonException)
        {
            return null;
        }
    }

    private async Task CloseAsync(ClientWebSocket socket)
    {
        try
        {
            using var cts = new CancellationTokenSource(_options.Timeout);
            await socket.CloseOutputAsync(WebSocketCloseStatus.NormalClosure, "", cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            // the relay may already have closed it; the probe's verdict does not depend on it
        }
    }

    private async Task<Message> SendAndReceiveAsync(ClientWebSocket socket, byte[] payload)
    {
        try
        {
            using var cts = new CancellationTokenSource(_options.Timeout);
            await socket.SendAsync(payload, WebSocketMessageType.Text, endOfMessage: true, cts.Token);
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            return Message.Failed(Describe(e));
        }

        return await ReceiveAsync(socket);
    }

    private Task<Message> ReceiveAsync(ClientWebSocket socket) => ReceiveAsync(socket, _options.Timeout);

    private static async Task<Message> ReceiveAsync(ClientWebSocket socket, TimeSpan timeout)
    {
        var buffer = new ArrayBufferWriter<byte>(4096);
        using var cts = new CancellationTokenSource(timeout);
        try
        {
            while (true)
            {
                var result = await socket.ReceiveAsync(buffer.GetMemory(16384), cts.Token);
                if (result.MessageType == WebSocketMessageType.Close)
                {
                    return new Message(WebSocketMessageType.Close, [], (int?)socket.CloseStatus, socket.CloseStatusDescription, null);
                }

                buffer.Advance(result.Count);
                if (result.EndOfMessage)
                {
                    return new Message(result.MessageType, buffer.WrittenSpan.ToArray(), null, null, null);
                }
            }
        }
        catch (Exception e) when (e is WebSocketException or OperationCanceledException or IOException)
        {
            return Message.Failed(e is OperationCanceledException ? "no answer within " + GoCompat.GoDuration.Format(timeout) : Describe(e));
        }
    }

    /// <summary>A JSON string of exactly <paramref name="size"/> bytes: <c>"&lt;i&gt;-xxxx…"</c>.</summary>
    public static byte[] Frame(int i, int size)
    {
        var bytes = new byte[size];
        bytes.AsSpan().Fill((byte)'x');
        bytes[0] = (byte)'"';
        bytes[^1] = (byte)'"';
        var head = Encoding.ASCII.GetBytes(i.ToString(CultureInfo.InvariantCulture) + "-");
        head.CopyTo(bytes, 1);
        return bytes;
    }

    private static (string, string)[] PhoneHeaders(string serverId) =>
        [("X-Pyrycode-Server", serverId), ("X-Pyrycode-Token", "check"), ("X-Pyrycode-Device-Name", "pyrycode-relay check")];

    /// <summary>With <c>--ca-file</c>: the relay's chain must end in one of those roots and match the host.</summary>
    private string? TrustRoots()
    {
        if (_options.CaFile.Length == 0)
        {
            return null;
        }

        var roots = new X509Certificate2Collection();
        try
        {
            roots.ImportFromPemFile(_options.CaFile);
        }
        catch (Exception e) when (e is IOException or UnauthorizedAccessException or CryptographicException)
        {
            return $"reading --ca-file {_options.CaFile}: {e.Message}";
        }

        if (roots.Count == 0)
        {
            return $"--ca-file {_options.CaFile} holds no certificate";
        }

        _handler.SslOptions.RemoteCertificateValidationCallback = (_, certificate, _, errors) =>
        {
            if (errors == SslPolicyErrors.None)
            {
                return true;
            }

            if (certificate is null || (errors & SslPolicyErrors.RemoteCertificateNameMismatch) != 0)
            {
                return false;
            }

            using var chain = new X509Chain();
            chain.ChainPolicy.TrustMode = X509ChainTrustMode.CustomRootTrust;
            chain.ChainPolicy.CustomTrustStore.AddRange(roots);
            chain.ChainPolicy.RevocationMode = X509RevocationMode.NoCheck;
            return chain.Build(new X509Certificate2(certificate));
        };
        return null;
    }

    /// <summary>One received message, a close, or a failure.</summary>
    private sealed record Message(WebSocketMessageType? Type, byte[] Data, int? CloseStatus, string? CloseReason, string? Error)
    {
        public static Message Failed(string error) => new(null, [], null, null, error);

        public string Describe() => Error ?? (Type == WebSocketMessageType.Close
            ? $"closed {CloseStatus} {GoCompat.GoQuote.Quote(CloseReason ?? "")}"
            : $"unexpected {Type} message of {Data.Length} bytes");
    }
}
