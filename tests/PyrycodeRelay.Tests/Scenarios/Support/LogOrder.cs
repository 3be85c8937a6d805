namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>Ordering checks over captured log events.</summary>
internal static class LogOrder
{
    /// <summary>Asserts that <paramref name="first"/> was logged before <paramref name="second"/>.</summary>
    public static void AssertBefore(TestRelay relay, LogEntry first, LogEntry second)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var all = relay.Logs.Entries.ToList();
        var a = all.FindIndex(e => ReferenceEquals(e, first));
        var b = all.FindIndex(e => ReferenceEquals(e, second));
        Assert.True(a >= 0 && b >= 0 && a < b, $"expected '{first}' before '{second}'");
    }
}
