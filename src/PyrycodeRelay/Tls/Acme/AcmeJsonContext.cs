using System.Text.Json.Serialization;

namespace PyrycodeRelay.Tls.Acme;

/// <summary>Source-generated JSON metadata for the ACME wire objects (camelCase, nulls omitted).</summary>
[JsonSourceGenerationOptions(PropertyNamingPolicy = JsonKnownNamingPolicy.CamelCase,
    DefaultIgnoreCondition = JsonIgnoreCondition.WhenWritingNull)]
[JsonSerializable(typeof(AcmeDirectory))]
[JsonSerializable(typeof(AcmeOrder))]
[JsonSerializable(typeof(AcmeAuthorization))]
[JsonSerializable(typeof(AcmeChallenge))]
[JsonSerializable(typeof(AcmeProblem))]
[JsonSerializable(typeof(AcmeNewAccountRequest))]
[JsonSerializable(typeof(AcmeNewOrderRequest))]
[JsonSerializable(typeof(AcmeFinalizeRequest))]
internal sealed partial class AcmeJsonContext : JsonSerializerContext;
