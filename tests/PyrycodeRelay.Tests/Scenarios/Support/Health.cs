using System.Text.RegularExpressions;

namespace PyrycodeRelay.Tests.Scenarios.Support;

/// <summary>Reads <c>/healthz</c> over HTTP, as the scenarios do.</summary>
public static partial class Health
{
    /// <summary>Current (connected_binaries, connected_phones) from <c>/healthz</c>.</summary>
    public static async Task<(int Binaries, int Phones)> CountsAsync(TestRelay relay)
    {
        ArgumentNullException.ThrowIfNull(relay);
        var body = await relay.Http.GetStringAsync(new Uri("/healthz", UriKind.Relative));
        var match = CountsPattern().Match(body);
        Assert.True(match.Success, "unexpected /healthz body: " + body);
        return (int.Parse(match.Groups[1].Value, System.Globalization.CultureInfo.InvariantCulture),
            int.Parse(match.Groups[2].Value, System.Globalization.CultureInfo.InvariantCulture));
    }

    /// <summary>Polls <c>/healthz</c> until the counts match; fails after <paramref name="timeout"/> (default 10 s).</summary>
    public static async Task WaitForAsync(TestRelay relay, int binaries, int phones, TimeSpan? timeout = null)
    {
        var deadline = DateTime.UtcNow + (timeout ?? TimeSpan.FromSeconds(10));
        var last = (-1, -1);
        while (DateTime.UtcNow < deadline)
        {
            last = await CountsAsync(relay);
            if (last == (binaries, phones))
            {
                return;
            }

            await Task.Delay(20);
        }

        throw new TimeoutException($"/healthz: expected binaries={binaries} phones={phones}, have {last}");
    }

    [GeneratedRegex("\"connected_binaries\":(\\d+),\"connected_phones\":(\\d+),")]
    private static partial Regex CountsPattern();
}
