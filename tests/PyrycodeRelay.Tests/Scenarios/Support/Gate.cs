using System.Text;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>Assertions for pre-upgrade refusals.</summary>
public static class Gate
{
    /// <summary>The header gate's 400: text/plain, nosniff, body a single LF, nothing echoed.</summary>
    public static void AssertGate400(RawResponse response)
    {
        ArgumentNullException.ThrowIfNull(response);
        Assert.True(response.Status == 400, "expected 400, got " + response);
        Assert.Equal("text/plain; charset=utf-8", response.Header("Content-Type"));
        Assert.Equal("nosniff", response.Header("X-Content-Type-Options"));
        Assert.Equal("\n", Encoding.UTF8.GetString(response.Body));
        Assert.Null(response.Header("Sec-WebSocket-Accept"));
    }

    /// <summary>Sends an upgrade request to <paramref name="path"/> with exactly <paramref name="headers"/> (plus valid WebSocket headers).</summary>
    public static Task<RawResponse> UpgradeRequestAsync(TestRelay relay, string path, params (string, string)[] headers) =>
        RawHttp.SendAsync(relay.Target, RawHttp.Upgrade(path, headers, key: RawWsClient.NewKey()));
}
