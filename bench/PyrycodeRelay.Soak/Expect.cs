namespace PyrycodeRelay.Soak;

/// <summary>What a peer's end must look like (docs/protocol.md#registry, #phone-outbox, #heartbeat, #close-codes).</summary>
internal sealed record Expect(string Why, int? Code, string Reason, bool AbortOk = false, bool AbortOnly = false)
{
    /// <summary>
    /// An end that is also correct, but only when <see cref="OrIf"/> holds at that moment: the relay's own log
    /// shows the event that requires it (e.g. the grace period expired before a slow reclaim arrived).
    /// </summary>
    public Expect? Or { get; init; }

    /// <summary>The condition under which <see cref="Or"/> is accepted.</summary>
    public Func<bool>? OrIf { get; init; }

    /// <summary>Which of the two matched, or null.</summary>
    public Expect? Match(PeerEnd end) =>
        Matches(end) ? this : Or is not null && Or.Matches(end) && (OrIf?.Invoke() ?? false) ? Or : null;

    public static Expect Reclaimed(string why) => new(why, 4404, "binary reclaimed server-id");

    public static Expect GraceExpired => new("grace expired", 1000, "");

    public static Expect BacklogFull => new("stopped reading while the binary flooded", 1011, "phone backlog full");

    public static Expect HeartbeatTimeout(string why) => new(why, 1011, "heartbeat timeout", AbortOk: true);

    public const string SelfCloseWhy = "closed by itself";

    public static Expect SelfClose(int code) => new(SelfCloseWhy, code, "");

    public static Expect Reset => new("reset by itself (RST)", null, "", AbortOk: true, AbortOnly: true);

    public static Expect Shutdown => new("shutdown", 1001, "shutting down");

    public bool Matches(PeerEnd end) =>
        end.Aborted ? AbortOk : !AbortOnly && end.Code == Code && end.Reason == Reason;

    /// <summary>Checks a peer's end against what its events required and counts or reports it.</summary>
    public static void Check(Stats stats, string role, string name, Expect? expected, PeerEnd end)
    {
        var matched = expected?.Match(end);
        if (expected is null)
        {
            stats.Violation($"{role} {name} ended {end} although nothing should have ended it");
        }
        else if (matched is null)
        {
            stats.Violation($"{role} {name} ended {end}, expected {expected}{(expected.Or is null ? "" : $" or {expected.Or}")}");
        }
        else
        {
            stats.Count(matched.Why == SelfCloseWhy ? $"{role} end: its own close code echoed ({matched.Why})" : $"{role} end: {(end.Aborted ? "aborted" : $"{end.Code} '{end.Reason}'")} ({matched.Why})");
        }
    }

    public override string ToString() => AbortOnly ? Why : $"{Code} '{Reason}' ({Why})";
}
