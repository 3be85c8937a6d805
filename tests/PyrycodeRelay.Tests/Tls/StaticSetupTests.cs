using System.Security.Cryptography;
using Microsoft.Extensions.Logging;
using PyrycodeRelay.Configuration;
using PyrycodeRelay.Tls;

namespace PyrycodeRelay.Tests.Tls;

/// <summary>Boot step 20t with static files (docs/operations.md#static-certificate-files): formats, mismatches, exit-1 refusals.</summary>
public sealed class StaticSetupTests : IDisposable
{
    private readonly TestPki _pki = new();
    private readonly TempDir _dir = new();
    private readonly CapturingLoggerProvider _logs = new();

    [Theory]
    [InlineData("ec", "pkcs8")]
    [InlineData("ec", "sec1")]
    [InlineData("rsa", "pkcs1")]
    [InlineData("rsa", "pkcs8")]
    public async Task Key_formats_load_and_serve(string kind, string format)
    {
        using AsymmetricAlgorithm key = kind == "ec" ? ECDsa.Create(ECCurve.NamedCurves.nistP256) : RSA.Create(2048);
        var (cert, _) = _pki.Issue(["relay.example.com"], key: key);
        File.WriteAllText(_dir.File("c.pem"), cert.ExportCertificatePem() + "\n" + _pki.RootPem);
        File.WriteAllText(_dir.File("k.pem"), TestPki.KeyPem(key, format));
        var result = Create();
        Assert.True(result.Succeeded, result.Error);
        await using var tls = result.Tls;
        await using var host = await TlsTestHost.StartAsync(tls);
        string? seen = null;
        await using var ssl = await TlsClients.HandshakeAsync(host.HttpsPort, "relay.example.com", _pki.Root,
            seen: c => seen = c.Thumbprint);
        Assert.Equal(cert.Thumbprint, seen);
        Assert.Empty(_logs.Entries);
    }

    [Fact]
    public void Missing_file_refuses_boot_with_tls_setup_failed()
    {
        var result = Create();
        AssertRefused(result, "Could not find file");
    }

    [Fact]
    public void Bad_pem_refuses_boot()
    {
        File.WriteAllText(_dir.File("c.pem"), "not a certificate\n");
        File.WriteAllText(_dir.File("k.pem"), "not a key\n");
        AssertRefused(Create(), "relay: loading TLS key pair");
    }

    [Fact]
    public void Key_that_does_not_match_the_leaf_refuses_boot()
    {
        var (cert, _) = _pki.Issue(["relay.example.com"]);
        var (_, otherKey) = _pki.Issue(["relay.example.com"]);
        File.WriteAllText(_dir.File("c.pem"), cert.ExportCertificatePem());
        File.WriteAllText(_dir.File("k.pem"), TestPki.KeyPem(otherKey, "pkcs8"));
        AssertRefused(Create(), "relay: loading TLS key pair");
    }

    public void Dispose()
    {
        _pki.Dispose();
        _dir.Dispose();
    }

    private TlsSetupResult Create() => TlsSetup.Create(
        new RelayOptions { Domain = "relay.example.com", TlsCertFile = _dir.File("c.pem"), TlsKeyFile = _dir.File("k.pem") },
        _logs, TimeProvider.System);

    private void AssertRefused(TlsSetupResult result, string contains)
    {
        Assert.False(result.Succeeded);
        Assert.Null(result.Tls);
        Assert.Contains(contains, result.Error, StringComparison.Ordinal);
        Assert.StartsWith($"relay: loading TLS key pair ({_dir.File("c.pem")}, {_dir.File("k.pem")}): ", result.Error);
        var e = Assert.Single(_logs.Entries);
        Assert.Equal(LogLevel.Error, e.Level);
        Assert.Equal("tls setup failed", e.EventName);
        Assert.Equal(706, e.EventId.Id);
        Assert.Equal(result.Error, e["err"]);
        Assert.Equal("tls setup failed err=" + result.Error, e.Message);
    }
}
