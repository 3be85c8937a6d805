using System.Runtime.Versioning;
using System.Security.Cryptography;

namespace PyrycodeRelay.Tests.Observability.LogHygiene;

/// <summary>
/// Scenarios A8/L93 through the real process: a bad <c>PYRYCODE_RELAY_FCM_CREDENTIALS</c> is refused with exit 2
/// and no fragment of its value (markers, client email, key id, PEM lines) appears on stdout or stderr.
/// </summary>
[Collection(RelayProcessCollection.Name)]
[SupportedOSPlatform("linux")]
public class CredentialsHygieneProcessTests
{
    public static TheoryData<string, string> Cases => new()
    {
        { "non-json", "text" },
        { "type", "text" },
        { "no-client-email", "text" },
        { "no-private-key", "json" },
        { "garbage-pem", "text" },
        { "ec-key", "json" },
    };

    [Theory]
    [MemberData(nameof(Cases))]
    public async Task L93_bad_credentials_are_refused_without_echoing_the_value(string kind, string format)
    {
        var marker = "CRED-MARKER-" + Guid.NewGuid().ToString("N");
        var email = marker.ToLowerInvariant() + "@test-proj.iam.gserviceaccount.com";
        using var ec = ECDsa.Create(ECCurve.NamedCurves.nistP256);
        var ecPem = ec.ExportPkcs8PrivateKeyPem();
        var value = kind switch
        {
            "non-json" => marker + " {\"type\":\"service_account\",",
            "type" => TestKeys.Json(new Dictionary<string, object?> { ["type"] = marker, ["client_email"] = email }),
            "no-client-email" => TestKeys.Json(new Dictionary<string, object?> { ["client_email"] = null, ["private_key_id"] = marker }),
            "no-private-key" => TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = null, ["client_email"] = email, ["private_key_id"] = marker }),
            "garbage-pem" => TestKeys.Json(new Dictionary<string, object?>
            {
                ["private_key"] = $"-----BEGIN PRIVATE KEY-----\n{marker}\n-----END PRIVATE KEY-----\n",
                ["client_email"] = email,
            }),
            "ec-key" => TestKeys.Json(new Dictionary<string, object?> { ["private_key"] = ecPem, ["client_email"] = email, ["private_key_id"] = marker }),
            _ => throw new ArgumentOutOfRangeException(nameof(kind)),
        };

        using var relay = RelayProcessRunner.Start([.. RelayProcessRunner.InsecureArgs(), .. format == "json" ? (string[])["--log-format", "json"] : []],
            new Dictionary<string, string> { ["PYRYCODE_RELAY_FCM_CREDENTIALS"] = value });
        var (code, stdout, stderr) = await relay.WaitForExitAsync();
        Assert.True(code == 2, $"exit {code}; stderr:\n{string.Join("\n", stderr)}");
        var error = LogfmtLine.Parse(Assert.Single(stderr), format);
        Assert.Equal(["time", "level", "msg", "err", "env_var", "reason"], error.Keys);
        Assert.Equal(("ERROR", "refusing to start: invalid env-var config", "PYRYCODE_RELAY_FCM_CREDENTIALS"),
            (error["level"], error["msg"], error["env_var"]));
        Assert.Equal("malformed-value: not a service-account JSON key (value withheld)", error["reason"]);
        Assert.Equal("relay: invalid env-var config: PYRYCODE_RELAY_FCM_CREDENTIALS: malformed-value: not a service-account JSON key (value withheld)", error["err"]);

        string[] pemLines = [.. (TestKeys.Pkcs8Pem + ecPem).Split('\n').Where(l => l.Length > 0 && !l.StartsWith("-----", StringComparison.Ordinal))];
        OutputScan.AssertNoneAppears(stdout, stderr, [marker, email, TestKeys.ClientEmail, TestKeys.KeyId, "service_account", .. pemLines]);
        OutputScan.AssertOnlyAllowedKeys(stdout, stderr, format);
    }
}
