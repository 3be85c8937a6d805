using System.Security.Cryptography;
using System.Security.Cryptography.X509Certificates;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>Builds the PKCS#10 request sent at finalize: one dNSName SAN, ECDSA P-256 key, SHA-256.</summary>
internal static class AcmeCsr
{
    /// <summary>Creates a fresh ECDSA P-256 certificate key.</summary>
    public static ECDsa NewCertificateKey() => ECDsa.Create(ECCurve.NamedCurves.nistP256);

    /// <summary>Returns the DER CSR for <paramref name="domain"/> signed by <paramref name="certificateKey"/>.</summary>
    public static byte[] Build(string domain, ECDsa certificateKey)
    {
        var subject = new X500DistinguishedNameBuilder();
        if (domain.Length <= 64)
        {
            subject.AddCommonName(domain); // CAs ignore or reject longer CNs; the SAN is what counts.
        }

        var request = new CertificateRequest(subject.Build(), certificateKey, HashAlgorithmName.SHA256);
        var san = new SubjectAlternativeNameBuilder();
        san.AddDnsName(domain);
        request.CertificateExtensions.Add(san.Build(critical: false));
        return request.CreateSigningRequest();
    }
}
