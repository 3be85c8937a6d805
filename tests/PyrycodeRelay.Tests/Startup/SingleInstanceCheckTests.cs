using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class SingleInstanceCheckTests
{
    [Theory]
    [InlineData(null, null, false)]
    [InlineData(null, "", false)]
    [InlineData(null, "pyrycode-relay", true)]
    [InlineData(null, " ", true)]
    [InlineData("1", null, false)]
    [InlineData("1", "pyrycode-relay", false)]
    [InlineData("", "pyrycode-relay", true)]
    [InlineData("", null, false)]
    [InlineData("true", "pyrycode-relay", true)]
    [InlineData("0", null, false)]
    public void Decision_matrix(string? singleInstance, string? flyAppName, bool multi) =>
        Assert.Equal(multi, SingleInstanceCheck.IsMultiInstance(singleInstance, flyAppName));

    [Fact]
    public void Signal_present_refuses_with_the_documented_texts()
    {
        var env = new FakeBootEnvironment().With("FLY_APP_NAME", "secret-app-name");
        var r = SingleInstanceCheck.Check(env);
        RefusalAssert.Refused(r, "refusing to start: multi-instance deploy detected",
            ("err", "relay: multi-instance deploy detected; set PYRYCODE_RELAY_SINGLE_INSTANCE=1 to bypass"),
            ("bypass_env_var", "PYRYCODE_RELAY_SINGLE_INSTANCE"),
            ("fix", null));
        Assert.Contains("multi-instance deploy detected", r!.Message, StringComparison.Ordinal);
        Assert.DoesNotContain(r.Fields, f => f.Value is string s && s.Contains("secret-app-name", StringComparison.Ordinal));
        Assert.Contains("PYRYCODE_RELAY_SINGLE_INSTANCE=1", (string)r.Field("fix")!, StringComparison.Ordinal);
    }

    [Fact]
    public void Bypass_skips_the_check_and_no_signal_passes()
    {
        Assert.Null(SingleInstanceCheck.Check(new FakeBootEnvironment().With("FLY_APP_NAME", "x").With("PYRYCODE_RELAY_SINGLE_INSTANCE", "1")));
        Assert.Null(SingleInstanceCheck.Check(new FakeBootEnvironment()));
        Assert.Null(SingleInstanceCheck.Check(new FakeBootEnvironment().With("PYRYCODE_RELAY_SINGLE_INSTANCE", "1")));
    }

    [Fact]
    public void Reads_only_the_two_variables()
    {
        var env = new FakeBootEnvironment().With("FLY_MACHINE_ID", "m").With("FLY_ALLOC_ID", "a");
        Assert.Null(SingleInstanceCheck.Check(env));
        Assert.Equal(["PYRYCODE_RELAY_SINGLE_INSTANCE", "FLY_APP_NAME"], env.Reads);
    }
}
