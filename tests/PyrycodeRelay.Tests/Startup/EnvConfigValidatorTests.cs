using PyrycodeRelay.GoCompat;
using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class EnvConfigValidatorTests
{
    private const string Message = "refusing to start: invalid env-var config";
    private static readonly Func<string, bool> AcceptAll = _ => true;

    [Fact]
    public void Unset_variables_pass_and_only_the_table_is_read()
    {
        var env = new FakeBootEnvironment().With("FOO_BAR_BAZ", "garbage").With("PYRYCODE_UNKNOWN", "anything");
        Assert.Null(EnvConfigValidator.Validate(env, AcceptAll));
        Assert.Equal(["PYRYCODE_RELAY_PRODUCTION", "PYRYCODE_RELAY_SINGLE_INSTANCE", "PYRYCODE_RELAY_FCM_CREDENTIALS"], env.Reads);
    }

    [Fact]
    public void Exactly_one_passes()
    {
        var env = new FakeBootEnvironment().With(EnvVars.Production, "1").With(EnvVars.SingleInstance, "1");
        Assert.Null(EnvConfigValidator.Validate(env, AcceptAll));
    }

    [Theory]
    [InlineData("true", "\"true\"")]
    [InlineData("0", "\"0\"")]
    [InlineData("yes", "\"yes\"")]
    [InlineData(" 1", "\" 1\"")]
    [InlineData("1 ", "\"1 \"")]
    [InlineData("PRODUCTION", "\"PRODUCTION\"")]
    [InlineData("", "\"\"")]
    [InlineData("1\n", "\"1\\n\"")]
    [InlineData("a\"b\\", "\"a\\\"b\\\\\"")]
    [InlineData("\u0007", "\"\\a\"")]
    public void Production_must_be_exactly_1(string value, string quoted)
    {
        var env = new FakeBootEnvironment().With(EnvVars.Production, value);
        var reason = "malformed-value: expected \"1\" or unset, got " + quoted;
        RefusalAssert.Refused(EnvConfigValidator.Validate(env, AcceptAll), Message,
            ("err", "relay: invalid env-var config: PYRYCODE_RELAY_PRODUCTION: " + reason),
            ("env_var", "PYRYCODE_RELAY_PRODUCTION"),
            ("reason", reason));
    }

    [Fact]
    public void Spec_example_err_text()
    {
        var env = new FakeBootEnvironment().With(EnvVars.Production, "true");
        Assert.Equal("relay: invalid env-var config: PYRYCODE_RELAY_PRODUCTION: malformed-value: expected \"1\" or unset, got \"true\"",
            EnvConfigValidator.Validate(env, AcceptAll)!.Err);
    }

    [Theory]
    [InlineData("true")]
    [InlineData("")]
    [InlineData("0")]
    [InlineData(" 1")]
    public void Single_instance_must_be_exactly_1(string value)
    {
        var env = new FakeBootEnvironment().With(EnvVars.SingleInstance, value);
        var r = EnvConfigValidator.Validate(env, AcceptAll);
        Assert.Equal("PYRYCODE_RELAY_SINGLE_INSTANCE", r!.Field("env_var"));
        Assert.Equal($"malformed-value: expected \"1\" or unset, got {GoQuote.Quote(value)}", r.Field("reason"));
    }

    [Fact]
    public void The_walk_stops_at_the_first_failure_in_table_order()
    {
        var env = new FakeBootEnvironment().With(EnvVars.Production, "yes").With(EnvVars.SingleInstance, "no").With(EnvVars.FcmCredentials, "x");
        Assert.Equal(EnvVars.Production, EnvConfigValidator.Validate(env, _ => false)!.Field("env_var"));
        env.Variables.Remove(EnvVars.Production);
        Assert.Equal(EnvVars.SingleInstance, EnvConfigValidator.Validate(env, _ => false)!.Field("env_var"));
        env.Variables.Remove(EnvVars.SingleInstance);
        Assert.Equal(EnvVars.FcmCredentials, EnvConfigValidator.Validate(env, _ => false)!.Field("env_var"));
    }

    [Theory]
    [InlineData("MARKER {")]
    [InlineData("{\"type\":\"MARKER\"}")]
    [InlineData("")]
    public void Bad_credentials_are_refused_without_echoing_the_value(string value)
    {
        var env = new FakeBootEnvironment().With(EnvVars.FcmCredentials, value);
        var seen = new List<string>();
        var r = EnvConfigValidator.Validate(env, v => { seen.Add(v); return false; });
        const string Reason = "malformed-value: not a service-account JSON key (value withheld)";
        RefusalAssert.Refused(r, Message,
            ("err", "relay: invalid env-var config: PYRYCODE_RELAY_FCM_CREDENTIALS: " + Reason),
            ("env_var", "PYRYCODE_RELAY_FCM_CREDENTIALS"),
            ("reason", Reason));
        Assert.Equal([value], seen);
        Assert.DoesNotContain(r!.Fields, f => f.Value is string s && s.Contains("MARKER", StringComparison.Ordinal));
    }

    [Fact]
    public void A_throwing_parser_counts_as_rejection_and_its_message_is_dropped()
    {
        var env = new FakeBootEnvironment().With(EnvVars.FcmCredentials, "MARKER");
        var r = EnvConfigValidator.Validate(env, v => throw new InvalidOperationException("bad " + v));
        Assert.Equal("malformed-value: not a service-account JSON key (value withheld)", r!.Field("reason"));
        Assert.DoesNotContain("MARKER", r.ToString(), StringComparison.Ordinal);
    }

    [Fact]
    public void Good_credentials_pass_through_the_injected_parser()
    {
        var env = new FakeBootEnvironment().With(EnvVars.FcmCredentials, "{...}");
        Assert.Null(EnvConfigValidator.Validate(env, v => v == "{...}"));
    }
}
