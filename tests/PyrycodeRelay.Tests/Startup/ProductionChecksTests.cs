using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class ProductionChecksTests
{
    private const string Message = "refusing to start: production-mode misconfiguration";

    [Fact]
    public void Production_is_on_only_for_exactly_1()
    {
        Assert.True(ProductionChecks.IsProduction(new FakeBootEnvironment().With("PYRYCODE_RELAY_PRODUCTION", "1")));
        Assert.False(ProductionChecks.IsProduction(new FakeBootEnvironment()));
        Assert.False(ProductionChecks.IsProduction(new FakeBootEnvironment().With("PYRYCODE_RELAY_PRODUCTION", "true")));
    }

    [Fact]
    public void Insecure_listener_in_production_is_refused()
    {
        RefusalAssert.Refused(ProductionChecks.CheckInsecureListener(true, "127.0.0.1:8080"), Message,
            ("err", "relay: --insecure-listen is set with PYRYCODE_RELAY_PRODUCTION=1; refusing to start"),
            ("env_var", "PYRYCODE_RELAY_PRODUCTION"),
            ("fix", null));
        Assert.Null(ProductionChecks.CheckInsecureListener(false, "127.0.0.1:8080"));
        Assert.Null(ProductionChecks.CheckInsecureListener(true, ""));
    }

    [Fact]
    public void Root_in_production_is_refused_with_the_uid_as_integer()
    {
        var r = ProductionChecks.CheckRoot(true, 0);
        RefusalAssert.Refused(r, Message,
            ("err", "relay: effective uid is 0 with PYRYCODE_RELAY_PRODUCTION=1; refusing to start"),
            ("env_var", "PYRYCODE_RELAY_PRODUCTION"),
            ("effective_uid", 0),
            ("fix", null));
        Assert.IsType<int>(r!.Field("effective_uid"));
    }

    [Theory]
    [InlineData(false, 0)]
    [InlineData(true, 65534)]
    [InlineData(true, 1)]
    [InlineData(true, null)]
    public void Root_check_passes_otherwise(bool production, int? uid) => Assert.Null(ProductionChecks.CheckRoot(production, uid));
}
