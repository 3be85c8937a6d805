using System.Security.Cryptography;
using System.Text;

namespace PyrycodeRelay.Tests.EndToEnd;

/// <summary>
/// Push on, end to end: a local Kestrel stub for Google's token and FCM endpoints and a relay started with a
/// service-account key generated at run time (the host builds the real sender from it).
/// </summary>
internal sealed class PushRig : IAsyncDisposable
{
    private readonly List<TaskCompletionSource> _gates = [];

    private PushRig(FcmStub stub, TestRelay relay)
    {
        Stub = stub;
        Relay = relay;
    }

    public FcmStub Stub { get; }

    public TestRelay Relay { get; }

    public static async Task<PushRig> StartAsync(Action<FcmStub>? configure = null)
    {
        var stub = await FcmStub.StartAsync();
        configure?.Invoke(stub);
        var options = TestRelay.Insecure() with { FcmBaseUrl = stub.BaseUrl, FcmTokenUrl = stub.TokenUrl, FcmProjectId = "test-proj" };
        return new PushRig(stub, await TestRelay.StartAsync(options, fcmCredentials: TestKeys.Json()));
    }

    /// <summary>Makes the send endpoint block until the returned gate completes (released at dispose at the latest).</summary>
    public TaskCompletionSource BlockSends()
    {
        var gate = new TaskCompletionSource(TaskCreationOptions.RunContinuationsAsynchronously);
        lock (_gates)
        {
            _gates.Add(gate);
        }

        Stub.SendHandler = FcmStub.Blocking(gate);
        return gate;
    }

    public static string Wake(string token, string platform = "fcm") =>
        "{\"push_wake\":{\"platform\":\"" + platform + "\",\"token\":\"" + token + "\"}}";

    public static string SendBody(string token) => "{\"message\":{\"token\":\"" + token + "\",\"android\":{\"priority\":\"HIGH\"}}}";

    /// <summary>First 8 lowercase hex characters of SHA-256 of the token (docs/operations.md#push-outcome-logs).</summary>
    public static string Fingerprint(string token) => Convert.ToHexStringLower(SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];

    /// <summary>The outcome lines (push_wake_sent / push_wake_send_failed) logged so far, in order.</summary>
    public IReadOnlyList<LogEntry> Outcomes =>
        [.. Relay.Logs.Entries.Where(e => e.Name is "push_wake_sent" or "push_wake_send_failed")];

    public Task OutcomesAsync(int count) => Eventually.Async(() => Outcomes.Count >= count,
        () => $"{count} push outcome lines; have {Outcomes.Count}");

    public Task SendRequestsAsync(int count) => Eventually.Async(() => Stub.SendRequests.Count >= count,
        () => $"{count} send requests at the stub; have {Stub.SendRequests.Count}");

    /// <summary>The text log lines with <c>msg=</c><paramref name="name"/>, parsed.</summary>
    public IReadOnlyList<LogfmtLine> TextLines(string name) =>
        [.. Relay.TextLog.Lines.Select(LogfmtLine.Parse).Where(l => l["msg"] == name)];

    /// <summary>Asserts that none of the secrets appears in the relay's log output (text and captured fields).</summary>
    public void AssertLogsFreeOf(params string[] extra)
    {
        string[] secrets = [.. extra, FcmStub.AccessToken, "ya29.", TestKeys.ClientEmail, TestKeys.PemFragment(), "phone-token-opaque", "pyry-test/", "pyry-phone-test/"];
        var text = Relay.Text;
        var fields = string.Join("\n", Relay.Logs.Entries.Select(e => e.ToString()));
        foreach (var secret in secrets)
        {
            Assert.False(text.Contains(secret, StringComparison.Ordinal), $"'{secret}' in the log output:\n{text}");
            Assert.False(fields.Contains(secret, StringComparison.Ordinal), $"'{secret}' in a log field");
        }
    }

    public async ValueTask DisposeAsync()
    {
        await Relay.DisposeAsync();
        lock (_gates)
        {
            foreach (var gate in _gates)
            {
                gate.TrySetResult();
            }
        }

        await Stub.DisposeAsync();
    }
}
