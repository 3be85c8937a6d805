using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tls;

/// <summary>
/// Loads PEM material: a certificate chain (leaf first) and a private key in PKCS#8 (<c>PRIVATE KEY</c>),
/// PKCS#1 RSA (<c>RSA PRIVATE KEY</c>) or SEC1 EC (<c>EC PRIVATE KEY</c>) form, which must match the leaf.
/// Throws (<see cref="System.Security.Cryptography.CryptographicException"/>, <see cref="ArgumentException"/>)
/// on bad PEM or a mismatch.
/// </summary>
internal static class PemCertificateLoader
{
    /// <summary>Builds a served certificate from chain PEM and key PEM (they may be the same text).</summary>
    public static ServedCertificate Load(string chainPem, string keyPem)
    {
        var all = new X509Certificate2Collection();
        all.ImportFromPem(chainPem);
        if (all.Count == 0)
        {
            throw new ArgumentException("no CERTIFICATE block found in the certificate PEM");
        }

        // CreateFromPem reads the first CERTIFICATE and the key, and rejects a key that does not match it.
        var leaf = X509Certificate2.CreateFromPem(chainPem, keyPem);
        if (OperatingSystem.IsWindows())
        {
            // SChannel needs a persisted key; Linux (OpenSSL) uses the ephemeral one directly.
            using var ephemeral = leaf;
            leaf = X509CertificateLoader.LoadPkcs12(ephemeral.Export(X509ContentType.Pkcs12), null);
        }

        var intermediates = new X509Certificate2Collection();
        for (var i = 1; i < all.Count; i++)
        {
            intermediates.Add(all[i]);
        }

        all[0].Dispose();
        return new ServedCertificate(leaf, intermediates);
    }
}
