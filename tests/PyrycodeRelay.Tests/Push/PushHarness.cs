using System.Diagnostics.Metrics;
using Microsoft.Extensions.DependencyInjection;
using Microsoft.Extensions.Logging;
using Microsoft.Extensions.Time.Testing;
using PyrycodeRelay.Push;
using PyrycodeRelay.Tests.Configuration;

namespace PyrycodeRelay.Tests.Push;

/// <summary>A push service wired to a real <see cref="FcmStub"/>, a fake clock, captured logs and a metric probe.</summary>
internal sealed class PushHarness : IAsyncDisposable
{
    public static readonly TimeSpan Wait = TimeSpan.FromSeconds(15);

    private readonly ServiceProvider _services;
    private readonly ILoggerFactory _loggerFactory;

    private PushHarness(FcmStub stub, ServiceProvider services, PushOptions options)
    {
        Stub = stub;
        _services = services;
        Meters = services.GetRequiredService<IMeterFactory>();
        Metrics = new MetricProbe(Meters);
        _loggerFactory = LoggerFactory.Create(b => b.AddProvider(Logs).SetMinimumLevel(LogLevel.Trace));
        Options = options;
    }

    public FcmStub Stub { get; }

    public FakeTimeProvider Time { get; } = new(new DateTimeOffset(2026, 6, 1, 12, 0, 0, TimeSpan.Zero));

    public CapturingLoggerProvider Logs { get; } = new();

    public IMeterFactory Meters { get; }

    public MetricProbe Metrics { get; }

    public PushOptions Options { get; }

    public PushWakeService Service { get; private set; } = null!;

    public static async Task<PushHarness> StartAsync(Func<PushOptions, PushOptions>? configure = null, string? credentialsJson = null)
    {
        var stub = await FcmStub.StartAsync();
        var options = DefaultOptions.Push with { ProjectId = "test-proj", BaseUrl = stub.BaseUrl, TokenUrl = stub.TokenUrl };
        options = configure?.Invoke(options) ?? options;
        var services = new ServiceCollection().AddMetrics().BuildServiceProvider();
        var h = new PushHarness(stub, services, options);
        var handler = PushWakeService.Create(credentialsJson ?? TestKeys.Json(), options, h.Meters, h._loggerFactory, h.Time);
        h.Service = Assert.IsType<PushWakeService>(handler);
        return h;
    }

    public static byte[] Wake(string token) =>
        System.Text.Encoding.UTF8.GetBytes($$"""{"platform":"fcm","token":"{{token}}"}""");

    /// <summary>Waits (failing the test after <see cref="Wait"/>) until <paramref name="condition"/> holds.</summary>
    public static Task Eventually(Func<bool> condition, string what) => Support.Eventually.Async(condition, what, Wait);

    /// <summary>Waits until <paramref name="count"/> outcome lines (sent or send_failed) were logged.</summary>
    public Task OutcomeLogs(int count) => Eventually(() => OutcomeEntries.Count >= count, $"{count} outcome log lines");

    public IReadOnlyList<LogEntry> OutcomeEntries =>
        [.. Logs.Entries.Where(e => e.EventId.Name is "push_wake_sent" or "push_wake_send_failed")];

    public async ValueTask DisposeAsync()
    {
        await Service.DisposeAsync();
        await Stub.DisposeAsync();
        Metrics.Dispose();
        _loggerFactory.Dispose();
        await _services.DisposeAsync();
    }
}
