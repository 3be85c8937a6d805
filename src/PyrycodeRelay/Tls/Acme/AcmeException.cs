namespace PyrycodeRelay.Tls.Acme;

/// <summary>An ACME request failed: a problem document, an unexpected status, or a protocol violation.</summary>
internal sealed class AcmeException : Exception
{
    /// <summary>Creates an exception without a problem document.</summary>
    public AcmeException()
    {
    }

    /// <summary>Creates an exception with a message.</summary>
    public AcmeException(string message) : base(message)
    {
    }

    /// <summary>Creates an exception with a message and an inner exception.</summary>
    public AcmeException(string message, Exception innerException) : base(message, innerException)
    {
    }

    /// <summary>The ACME problem type, when the server sent one.</summary>
    public string? ProblemType { get; init; }

    /// <summary>The HTTP status of the failing response, when there was one.</summary>
    public int? HttpStatus { get; init; }
}
