using Microsoft.Extensions.Logging;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

/// <summary>Assertions shared by the check tests.</summary>
internal static class RefusalAssert
{
    /// <summary>
    /// Asserts the refusal's message, exit code 2 and exact fields, and that logging it produces exactly one
    /// ERROR event whose name is the message and whose structured fields equal the refusal's fields.
    /// </summary>
    public static void Refused(BootRefusal? refusal, string message, params (string Key, object? Value)[] fields)
    {
        Assert.NotNull(refusal);
        Assert.Equal(message, refusal.Message);
        Assert.Equal(2, refusal.ExitCode);
        Assert.Equal(fields.Select(f => f.Key), refusal.Fields.Select(f => f.Key));
        for (var i = 0; i < fields.Length; i++)
        {
            if (fields[i].Value is not null)
            {
                Assert.Equal(fields[i].Value, refusal.Fields[i].Value);
            }
        }

        AssertLogsItsFields(refusal);
    }

    /// <summary>Logging the refusal yields one ERROR event named as the message with the same fields.</summary>
    public static void AssertLogsItsFields(BootRefusal refusal)
    {
        using var capture = new CapturingLoggerProvider();
        refusal.Log(capture.CreateLogger("t"));
        var e = Assert.Single(capture.Entries);
        Assert.Equal(LogLevel.Error, e.Level);
        Assert.Equal(refusal.Message, e.Name);
        Assert.True(e.EventId.Id is (>= 100 and <= 199) or (>= 950 and <= 959), $"boot EventId {e.EventId.Id} outside 100–199 and 950–959 (issue 13's block)");
        Assert.Equal(refusal.Fields.Select(f => f.Key), e.Keys);
        for (var i = 0; i < refusal.Fields.Count; i++)
        {
            Assert.Equal(refusal.Fields[i].Value, e.Fields[i].Value);
        }
    }
}
