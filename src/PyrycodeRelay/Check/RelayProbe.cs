using System.Net.Http;
using System.Net.WebSockets;
using System.Text.Json;

namespace PyrycodeRelay.Check;

/// <summary>
/// The steps of <c>pyrycode-relay check</c> against a live relay, as the real clients do them
/// (docs/protocol.md): /healthz; a binary claims a random server-id and echoes every envelope back to its phone;
/// a phone round-trips frames of the given sizes and compares the bytes; a phone naming an unknown server-id must be
/// closed 4404. Nothing here throws: every failure becomes a failed step.
/// </summary>
internal sealed partial class RelayProbe : IDisposable
{
    /// <summary>Smallest frame: a JSON string holding the sequence number.</summary>
    public const int MinFrameSize = 12;

    /// <summary>Largest frame: the relay's default message limit minus room for the binary's envelope.</summary>
    public const int MaxFrameSize = 261_000;

    private const string UserAgent = "pyrycode-relay-check";

    private readonly CheckOptions _options;
    private readonly CheckReport _report;
    private readonly string _serverId;
    private readonly SocketsHttpHandler _handler;
    private readonly HttpMessageInvoker _invoker;

    private RelayProbe(CheckOptions options)
    {
        _options = options;
        _serverId = options.ServerId.Length > 0 ? options.ServerId : "check-" + Convert.ToHexStringLower(System.Security.Cryptography.RandomNumberGenerator.GetBytes(8));
        _report = new CheckReport(options, _serverId);
        _handler = new SocketsHttpHandler { ConnectTimeout = options.Timeout, PooledConnectionLifetime = TimeSpan.Zero };
        _invoker = new HttpMessageInvoker(_handler);
    }

    /// <summary>Runs every step and returns the report.</summary>
    public static async Task<CheckReport> RunAsync(CheckOptions options)
    {
        ArgumentNullException.ThrowIfNull(options);
        using var probe = new RelayProbe(options);
        if (probe.TrustRoots() is { } trustError)
        {
            probe._report.Add("tls roots", false, trustError);
            return probe._report;
        }

        await probe.RunStepsAsync();
        return probe._report;
    }

    /// <inheritdoc />
    public void Dispose()
    {
        _invoker.Dispose();
        _handler.Dispose();
    }

    private async Task RunStepsAsync()
    {
        await HealthAsync();
        using var binary = await ConnectAsync("binary", "/v1/server", [("X-Pyrycode-Server", _serverId), ("X-Pyrycode-Version", Cli.RelayVersion.Current)]);
        if (binary is null)
        {
            return;
        }

        var echo = EchoAsync(binary);
        using (var phone = await ConnectPhoneAsync())
        {
            if (phone is not null)
            {
                await RoundTripsAsync(phone);
                await CloseAsync(phone);
            }
        }

        // Closing the binary's output ends its echo loop when the relay's close frame comes back.
        await CloseAsync(binary);
        if (await Task.WhenAny(echo, Task.Delay(_options.Timeout)) != echo)
        {
            binary.Abort();
        }

        await UnknownServerIdAsync();
    }

    private async Task HealthAsync()
    {
        try
        {
            using var cts = new CancellationTokenSource(_options.Timeout);
            using var request = new HttpRequestMessage(HttpMethod.Get, _options.HttpUri("/healthz"));
            request.Headers.UserAgent.ParseAdd(UserAgent);
            using var response = await _invoker.SendAsync(request, cts.Token);
            var body = await response.Content.ReadAsStringAsync(cts.Token);
            if ((int)response.StatusCode != 200)
            {
                _report.Add("healthz", false, $"status {(int)response.StatusCode}");
                return;
            }

            using var doc = JsonDocument.Parse(body);
            var root = doc.RootElement;
            var ok = root.TryGetProperty("status", out var status) && status.ValueEquals("ok");
            _report.Add("healthz", ok, $"200 status={Text(root, "status")} version={Text(root, "version")} commit={Text(root, "commit")} " +
                $"connected_binaries={Text(root, "connected_binaries")} connected_phones={Text(root, "connected_phones")}");
        }
        catch (Exception e) when (e is HttpRequestException or OperationCanceledException or JsonException or IOException)
        {
            _report.Add("healthz", false, Describe(e));
        }
    }

    private static string Text(JsonElement root, string name) =>
        root.TryGetProperty(name, out var value) ? (value.ValueKind == JsonValueKind.String ? value.GetString()! : value.GetRawText()) : "-";

    private async Task<ClientWebSocket?> ConnectAsync(string step, string path, (string Name, string Value)[] headers, bool report = true)
    {
        var socket = new ClientWebSocket();
        socket.Options.KeepAliveInterval = TimeSpan.Zero;
        socket.Options.CollectHttpResponseDetails = true;
        socket.Options.SetRequestHeader("User-Agent", UserAgent);
        foreach (var (name, value) in headers)
        {
            socket.Options.SetRequestHeader(name, value);
        }

        try
        {
            using var cts = new CancellationTokenSource(_options.Timeout);
            await socket.ConnectAsync(_options.WebSocketUri(path), _invoker, cts.Token);
            if (report)
            {
                _report.Add(step, true, "upgraded on " + path);
            }

            return socket;
        }
        catch (Exception e) when (e is WebSocketException or HttpRequestException or OperationCanceledException or IOException)
        {
            var status = socket.HttpStatusCode;
            socket.Dispose();
            _report.Add(step, false, (status != 0 ? $"HTTP {(int)status}: " : "") + Describe(e));
            return null;
        }
    }

    private static string Describe(Exception e)
    {
        var message = e is OperationCanceledException ? "timed out" : e.Message;
        for (var inner = e.InnerException; inner is not null; inner = inner.InnerException)
        {
            message += ": " + inner.Message;
        }

        return message.ReplaceLineEndings(" ");
    }
}
