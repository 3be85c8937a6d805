using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class SystemBootEnvironmentTests
{
    [Theory]
    [InlineData("Name:\tx\nUid:\t1000\t65534\t1000\t1000\nGid:\t0\t0\t0\t0\n", 65534)]
    [InlineData("Uid:\t0\t0\t0\t0\n", 0)]
    [InlineData("Uid:  5 7 5 5", 7)]
    public void Parses_the_effective_uid(string status, int uid) => Assert.Equal(uid, SystemBootEnvironment.ParseEffectiveUid(status));

    [Theory]
    [InlineData("Name:\tx\n")]
    [InlineData("Uid:\t1000\n")]
    [InlineData("Uid:\t1000\tx\n")]
    public void Unparsable_status_gives_null(string status) => Assert.Null(SystemBootEnvironment.ParseEffectiveUid(status));

    [Fact]
    public void Real_environment_reports_this_process()
    {
        var env = SystemBootEnvironment.Instance;
        Assert.Equal(Environment.GetEnvironmentVariable("PATH"), env.GetEnvironmentVariable("PATH"));
        if (OperatingSystem.IsLinux())
        {
            Assert.Equal("linux", env.OperatingSystem);
            Assert.Equal(Environment.IsPrivilegedProcess, env.EffectiveUid == 0);
            Assert.Contains("CapEff:", env.ReadProcSelfStatus(), StringComparison.Ordinal);
        }
    }
}
