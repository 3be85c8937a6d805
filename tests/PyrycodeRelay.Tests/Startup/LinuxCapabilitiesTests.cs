using PyrycodeRelay.Startup;

namespace PyrycodeRelay.Tests.Startup;

public class LinuxCapabilitiesTests
{
    private const string Tail = "; allowlist: [CAP_NET_BIND_SERVICE (bit 10)]; drop with --cap-drop=ALL --cap-add=NET_BIND_SERVICE or equivalent";
    private const string Head = "relay: process has unexpected effective Linux capabilities: ";

    [Theory]
    [InlineData("0000000000000000")]
    [InlineData("0")]
    [InlineData("0000000000000400")]
    [InlineData("400")]
    public void Empty_or_only_net_bind_service_is_allowed(string capEff) =>
        Assert.Null(LinuxCapabilities.CheckStatus(FakeBootEnvironment.StatusWithCapEff(capEff)));

    [Fact]
    public void Sys_admin_is_refused_with_name_and_bit()
    {
        Assert.Equal(Head + "CAP_SYS_ADMIN (bit 21)" + Tail, LinuxCapabilities.CheckStatus(FakeBootEnvironment.StatusWithCapEff("0000000000200000")));
    }

    [Fact]
    public void The_allowed_bit_never_appears_in_the_list()
    {
        var err = LinuxCapabilities.CheckStatus(FakeBootEnvironment.StatusWithCapEff("0000000000200401"))!;
        Assert.Equal(Head + "CAP_CHOWN (bit 0), CAP_SYS_ADMIN (bit 21)" + Tail, err);
        var listPart = err[..err.IndexOf("; allowlist:", StringComparison.Ordinal)];
        Assert.DoesNotContain("CAP_NET_BIND_SERVICE", listPart, StringComparison.Ordinal);
    }

    [Fact]
    public void Unknown_bits_are_named_by_number_in_ascending_order()
    {
        Assert.Equal(Head + "CAP_CHECKPOINT_RESTORE (bit 40), bit 41, bit 63" + Tail, LinuxCapabilities.CheckMask((1UL << 63) | (1UL << 41) | (1UL << 40)));
        Assert.Equal(Head + "bit 63" + Tail, LinuxCapabilities.CheckStatus(FakeBootEnvironment.StatusWithCapEff("8000000000000000")));
    }

    [Fact]
    public void Full_root_set_lists_every_bit_but_10()
    {
        var err = LinuxCapabilities.CheckMask(0x1ffffffffff)!;
        var list = err[Head.Length..err.IndexOf("; allowlist:", StringComparison.Ordinal)].Split(", ");
        Assert.Equal(40, list.Length);
        Assert.Equal("CAP_CHOWN (bit 0)", list[0]);
        Assert.Equal("CAP_LINUX_IMMUTABLE (bit 9)", list[9]);
        Assert.Equal("CAP_NET_BROADCAST (bit 11)", list[10]);
        Assert.Equal("CAP_CHECKPOINT_RESTORE (bit 40)", list[39]);
    }

    [Fact]
    public void Names_table_matches_the_spec()
    {
        string[] names =
        [
            "CAP_CHOWN", "CAP_DAC_OVERRIDE", "CAP_DAC_READ_SEARCH", "CAP_FOWNER", "CAP_FSETID", "CAP_KILL", "CAP_SETGID",
            "CAP_SETUID", "CAP_SETPCAP", "CAP_LINUX_IMMUTABLE", "CAP_NET_BIND_SERVICE", "CAP_NET_BROADCAST", "CAP_NET_ADMIN",
            "CAP_NET_RAW", "CAP_IPC_LOCK", "CAP_IPC_OWNER", "CAP_SYS_MODULE", "CAP_SYS_RAWIO", "CAP_SYS_CHROOT",
            "CAP_SYS_PTRACE", "CAP_SYS_PACCT", "CAP_SYS_ADMIN", "CAP_SYS_BOOT", "CAP_SYS_NICE", "CAP_SYS_RESOURCE",
            "CAP_SYS_TIME", "CAP_SYS_TTY_CONFIG", "CAP_MKNOD", "CAP_LEASE", "CAP_AUDIT_WRITE", "CAP_AUDIT_CONTROL",
            "CAP_SETFCAP", "CAP_MAC_OVERRIDE", "CAP_MAC_ADMIN", "CAP_SYSLOG", "CAP_WAKE_ALARM", "CAP_BLOCK_SUSPEND",
            "CAP_AUDIT_READ", "CAP_PERFMON", "CAP_BPF", "CAP_CHECKPOINT_RESTORE",
        ];
        for (var bit = 0; bit < names.Length; bit++)
        {
            Assert.Equal(names[bit], LinuxCapabilities.NameOf(bit));
        }

        Assert.Null(LinuxCapabilities.NameOf(41));
        Assert.Null(LinuxCapabilities.NameOf(-1));
    }

    [Fact]
    public void Missing_cap_eff_line()
    {
        Assert.Equal("relay: /proc/self/status missing CapEff line", LinuxCapabilities.CheckStatus("Name:\tx\nCapPrm:\t0\n"));
        Assert.Equal("relay: /proc/self/status missing CapEff line", LinuxCapabilities.CheckStatus(" CapEff:\t0\n"));
    }

    [Theory]
    [InlineData("zz", "invalid syntax")]
    [InlineData("0x400", "invalid syntax")]
    [InlineData("-1", "invalid syntax")]
    [InlineData("", "invalid syntax")]
    [InlineData("00000000000000000", "value out of range")]
    public void Unparsable_masks(string capEff, string detail)
    {
        Assert.Equal($"relay: parsing /proc/self/status CapEff \"{capEff}\": {detail}",
            LinuxCapabilities.CheckStatus("CapEff:\t" + capEff + "  \nCapBnd:\t0\n"));
    }

    [Fact]
    public void Refusal_has_err_and_fix()
    {
        var env = new FakeBootEnvironment { ProcSelfStatus = FakeBootEnvironment.StatusWithCapEff("0000000000200000") };
        RefusalAssert.Refused(LinuxCapabilities.Check(env), "refusing to start: unexpected Linux capabilities",
            ("err", Head + "CAP_SYS_ADMIN (bit 21)" + Tail), ("fix", null));
    }

    [Fact]
    public void Read_failure_is_a_refusal()
    {
        var env = new FakeBootEnvironment { ProcSelfStatus = "", ProcSelfStatusError = new IOException("permission denied") };
        RefusalAssert.Refused(LinuxCapabilities.Check(env), "refusing to start: unexpected Linux capabilities",
            ("err", "relay: reading /proc/self/status: permission denied"), ("fix", null));
    }

    [Fact]
    public void Other_operating_systems_are_not_checked()
    {
        var env = new FakeBootEnvironment { OperatingSystem = "windows", ProcSelfStatusError = new IOException("no proc") };
        Assert.Null(LinuxCapabilities.Check(env));
    }

    [Fact]
    public void Real_proc_self_status_of_this_test_process_parses()
    {
        if (!OperatingSystem.IsLinux())
        {
            return;
        }

        var err = LinuxCapabilities.CheckStatus(File.ReadAllText("/proc/self/status"));
        Assert.True(err is null || err.StartsWith(Head, StringComparison.Ordinal), err);
    }
}
