namespace PyrycodeRelay.Push;

/// <summary>The <c>outcome</c> label of <c>pyrycode_relay_push_wakes_total</c> (docs/operations.md#push-metrics).</summary>
internal enum PushOutcome
{
    /// <summary><c>sent</c>: FCM accepted the message (with or without a message id).</summary>
    Sent,

    /// <summary><c>unregistered</c>: FCM answered with the <c>UNREGISTERED</c> error code.</summary>
    Unregistered,

    /// <summary><c>send_failed</c>: any other failure, including transport errors and shutdown cancellation.</summary>
    SendFailed,

    /// <summary><c>token_fetch_failed</c>: no access token could be had; no send request was made.</summary>
    TokenFetchFailed,

    /// <summary><c>dropped</c>: refused by the rate limit or the in-flight cap.</summary>
    Dropped,
}
