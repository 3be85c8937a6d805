using System.Buffers;
using System.Collections;
using System.IO.Pipelines;
using System.Net;
using System.Net.Sockets;
using Microsoft.AspNetCore.Connections;
using Microsoft.AspNetCore.Connections.Features;
using Microsoft.AspNetCore.Http.Features;

namespace PyrycodeRelay.Transport;

/// <summary>
/// The connection's features: the transport's own (id, pipes, items, memory pool, lifetime, end points, socket) are
/// the connection itself, with no dictionary; what Kestrel and the middleware add (TLS, HTTP, the relay's own) goes
/// into a short list. A feature set later overrides the built-in one of the same type.
/// </summary>
internal sealed partial class EpollConnection : IFeatureCollection, IConnectionIdFeature, IConnectionTransportFeature,
    IConnectionItemsFeature, IMemoryPoolFeature, IConnectionLifetimeFeature, IConnectionEndPointFeature, IConnectionSocketFeature
{
    private KeyValuePair<Type, object?>[]? _extra;
    private int _extraCount;
    private int _revision;

    public override IFeatureCollection Features => this;

    Socket IConnectionSocketFeature.Socket => _socket;

    bool IFeatureCollection.IsReadOnly => false;

    int IFeatureCollection.Revision => _revision;

    object? IFeatureCollection.this[Type key]
    {
        get
        {
            for (var i = 0; i < _extraCount; i++)
            {
                if (_extra![i].Key == key)
                {
                    return _extra[i].Value;
                }
            }

            return IsBuiltIn(key) ? this : null;
        }
        set
        {
            _revision++;
            for (var i = 0; i < _extraCount; i++)
            {
                if (_extra![i].Key == key)
                {
                    _extra[i] = new(key, value);
                    return;
                }
            }

            if (_extra is null || _extraCount == _extra.Length)
            {
                Array.Resize(ref _extra, _extraCount == 0 ? 8 : _extraCount * 2);
            }

            _extra[_extraCount++] = new(key, value);
        }
    }

    TFeature? IFeatureCollection.Get<TFeature>() where TFeature : default => (TFeature?)((IFeatureCollection)this)[typeof(TFeature)];

    void IFeatureCollection.Set<TFeature>(TFeature? instance) where TFeature : default => ((IFeatureCollection)this)[typeof(TFeature)] = instance;

    IEnumerator<KeyValuePair<Type, object>> IEnumerable<KeyValuePair<Type, object>>.GetEnumerator()
    {
        var all = new List<KeyValuePair<Type, object>>();
        foreach (var type in BuiltIn)
        {
            if (((IFeatureCollection)this)[type] is { } value)
            {
                all.Add(new(type, value));
            }
        }

        for (var i = 0; i < _extraCount; i++)
        {
            if (_extra![i].Value is { } value && !IsBuiltIn(_extra[i].Key))
            {
                all.Add(new(_extra[i].Key, value));
            }
        }

        return all.GetEnumerator();
    }

    IEnumerator IEnumerable.GetEnumerator() => ((IEnumerable<KeyValuePair<Type, object>>)this).GetEnumerator();

    private static readonly Type[] BuiltIn =
    [
        typeof(IConnectionIdFeature), typeof(IConnectionTransportFeature), typeof(IConnectionItemsFeature),
        typeof(IMemoryPoolFeature), typeof(IConnectionLifetimeFeature), typeof(IConnectionEndPointFeature),
        typeof(IConnectionSocketFeature),
    ];

    private static bool IsBuiltIn(Type key) => Array.IndexOf(BuiltIn, key) >= 0;
}
