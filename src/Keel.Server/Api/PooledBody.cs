using System.Buffers;
using Microsoft.AspNetCore.Http;

namespace Keel.Server.Api;

/// <summary>
/// A request body read into an array rented from the shared pool (returned on dispose), so the
/// hot path allocates nothing per request for it. With a Content-Length the body is read in
/// place; without one the array grows as needed. Over the limit (ours, or Kestrel's for a chunked
/// body), <see cref="TooLarge"/> is set.
/// </summary>
internal readonly struct PooledBody : IDisposable
{
    private readonly byte[]? _array;

    private PooledBody(byte[]? array, int length, bool tooLarge)
    {
        _array = array;
        Length = length;
        TooLarge = tooLarge;
    }

    public int Length { get; }

    public bool TooLarge { get; }

    public ReadOnlySpan<byte> Span => _array.AsSpan(0, Length);

    public ReadOnlyMemory<byte> Memory => _array.AsMemory(0, Length);

    public static async Task<PooledBody> ReadAsync(HttpContext http, long limit)
    {
        var declared = http.Request.ContentLength;
        if (declared > limit) return new PooledBody(null, 0, tooLarge: true);
        var array = ArrayPool<byte>.Shared.Rent(declared is { } n and > 0 ? (int)n : 4096);
        var length = 0;
        try
        {
            // Kestrel holds a body to its Content-Length, so once that much is read there is no more.
            while (declared is null || length < declared)
            {
                if (length == array.Length)
                {
                    var bigger = ArrayPool<byte>.Shared.Rent(array.Length * 2);
                    array.AsSpan(0, length).CopyTo(bigger);
                    ArrayPool<byte>.Shared.Return(array);
                    array = bigger;
                }
                var read = await http.Request.Body.ReadAsync(array.AsMemory(length), http.RequestAborted).ConfigureAwait(false);
                if (read == 0) break;
                length += read;
                if (length > limit)
                {
                    ArrayPool<byte>.Shared.Return(array);
                    return new PooledBody(null, 0, tooLarge: true);
                }
            }
        }
        catch (BadHttpRequestException e) when (e.StatusCode == StatusCodes.Status413PayloadTooLarge)
        {
            // Kestrel's own limit (a chunked body has no length to check first): the same refusal as ours.
            ArrayPool<byte>.Shared.Return(array);
            return new PooledBody(null, 0, tooLarge: true);
        }
        catch
        {
            ArrayPool<byte>.Shared.Return(array);
            throw;
        }
        return new PooledBody(array, length, tooLarge: false);
    }

    public void Dispose()
    {
        if (_array is not null) ArrayPool<byte>.Shared.Return(_array);
    }
}
