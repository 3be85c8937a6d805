using System.Security.Cryptography;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>The outcome of an issuance: the new certificate key and the PEM chain (leaf first).</summary>
internal sealed record AcmeIssuedCertificate(ECDsa Key, string ChainPem);
