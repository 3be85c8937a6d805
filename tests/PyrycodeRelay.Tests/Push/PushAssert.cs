using System.Text;

namespace PyrycodeRelay.Tests.Push;

internal static class PushAssert
{
    internal static string Fingerprint(string token) =>
        Convert.ToHexStringLower(System.Security.Cryptography.SHA256.HashData(Encoding.UTF8.GetBytes(token)))[..8];

    /// <summary>No device token, access token, key material, client e-mail or reply text in any log output.</summary>
    internal static void NoSecrets(PushHarness h)
    {
        var text = h.Logs.AllText();
        Assert.NotEmpty(text);
        foreach (var secret in new[] { OutcomeTests.DeviceToken, "dEvIcE", FcmStub.AccessToken, "ACCESS-TOKEN-SECRET", TestKeys.ClientEmail,
                     "secret-sender", TestKeys.PemFragment(), "PRIVATE KEY", OutcomeTests.ReplySecret, "REPLY-TEXT" })
        {
            Assert.DoesNotContain(secret, text, StringComparison.OrdinalIgnoreCase);
        }
    }
}
