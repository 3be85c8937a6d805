using PyrycodeRelay.Check;

namespace PyrycodeRelay.Tests.Check;

/// <summary>The <c>check</c> subcommand's arguments and report, in process.</summary>
public class CheckCommandTests
{
    [Theory]
    [InlineData(new[] { "https://relay.example.com", "--frames=3", "-sizes", "12,20", "--json", "--timeout", "2s" }, "https://relay.example.com/", 3, "12,20", true)]
    [InlineData(new[] { "--json=false", "ws://127.0.0.1:8080" }, "ws://127.0.0.1:8080/", 20, "64,1024,16384", false)]
    public void Parses_flags_before_or_after_the_url(string[] args, string url, int frames, string sizes, bool json)
    {
        var (o, error, help) = CheckCommand.Parse(args);
        Assert.Null(error);
        Assert.False(help);
        Assert.Equal((url, frames, sizes, json), (o!.Url.ToString(), o.Frames, string.Join(",", o.Sizes), o.Json));
    }

    [Theory]
    [InlineData(new string[0], "check needs the relay's URL, e.g. pyrycode-relay check https://relay.example.com")]
    [InlineData(new[] { "ftp://x" }, "invalid URL \"ftp://x\": want http(s):// or ws(s)://host[:port] without a path")]
    [InlineData(new[] { "https://x/v1/server" }, "invalid URL \"https://x/v1/server\": want http(s):// or ws(s)://host[:port] without a path")]
    [InlineData(new[] { "https://x", "--sizes", "11" }, "invalid value \"11\" for flag -sizes: each size must be 12 to 261000 bytes")]
    [InlineData(new[] { "https://x", "--timeout", "0s" }, "invalid value \"0s\" for flag -timeout: must be a positive duration such as 5s")]
    [InlineData(new[] { "https://x", "--bogus" }, "flag provided but not defined: -bogus")]
    [InlineData(new[] { "https://x", "https://y" }, "check takes one URL, got \"https://x\" and \"https://y\"")]
    public void Bad_arguments_give_one_line(string[] args, string expected)
    {
        var (o, error, _) = CheckCommand.Parse(args);
        Assert.Null(o);
        Assert.Equal(expected, error);
    }

    [Theory]
    [InlineData(0, 12)]
    [InlineData(7, 64)]
    [InlineData(99999, 100000)]
    public void Frames_are_json_strings_of_exactly_the_size(int i, int size)
    {
        var frame = RelayProbe.Frame(i, size);
        Assert.Equal(size, frame.Length);
        Assert.Equal(System.Text.Json.JsonValueKind.String, System.Text.Json.JsonDocument.Parse(frame).RootElement.ValueKind);
        Assert.StartsWith("\"" + i + "-x", System.Text.Encoding.ASCII.GetString(frame), StringComparison.Ordinal);
    }

    [Fact]
    public void Percentiles_are_nearest_rank()
    {
        var report = new CheckReport(new CheckOptions { Url = new Uri("http://x") }, "s");
        foreach (var ms in Enumerable.Range(1, 100).Reverse())
        {
            report.AddLatency(TimeSpan.FromMilliseconds(ms));
        }

        Assert.Equal((50.0, 90.0, 99.0, 100.0), (report.Percentile(50), report.Percentile(90), report.Percentile(99), report.Percentile(100)));
        Assert.False(report.Healthy); // no step ran
    }

    [Fact]
    public async Task Help_goes_to_stdout_and_exits_0()
    {
        using var stdout = new StringWriter();
        using var stderr = new StringWriter();
        Assert.Equal(0, await CheckCommand.RunAsync(["--help"], stdout, stderr));
        Assert.StartsWith("Usage: pyrycode-relay check URL [flags]\n", stdout.ToString(), StringComparison.Ordinal);
        Assert.Equal("", stderr.ToString());
    }
}
