using System.Runtime.CompilerServices;

namespace Keel.Objects;

/// <summary>Sixteen vectors on the stack: a group of message blocks (or parts of them), or chaining values.</summary>
[InlineArray(16)]
internal struct Blake3Vectors16<TVector>
{
    private TVector _element;
}
