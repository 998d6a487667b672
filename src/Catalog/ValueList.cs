using System.Collections;
using System.Collections.Immutable;
using System.Runtime.CompilerServices;

namespace AeGrid.Catalog;

/// <summary>
/// An immutable list that compares by its items, so records holding lists (a spec, a set of layer sizes) have
/// value equality: the same spec written as YAML and as JSON parses to equal <see cref="SweepSpec"/>s.
/// </summary>
[CollectionBuilder(typeof(ValueList), nameof(ValueList.Create))]
public sealed class ValueList<T> : IReadOnlyList<T>, IEquatable<ValueList<T>>
{
    public static readonly ValueList<T> Empty = new(ImmutableArray<T>.Empty);

    private readonly ImmutableArray<T> items;

    public ValueList(IEnumerable<T> items) => this.items = [.. items];

    private ValueList(ImmutableArray<T> items) => this.items = items;

    public int Count => items.Length;
    public T this[int index] => items[index];

    public bool Equals(ValueList<T>? other) =>
        other is not null && (ReferenceEquals(this, other) || items.SequenceEqual(other.items));

    public override bool Equals(object? obj) => Equals(obj as ValueList<T>);

    public override int GetHashCode()
    {
        var hash = new HashCode();
        foreach (var item in items) hash.Add(item);
        return hash.ToHashCode();
    }

    public override string ToString() => $"[{string.Join(", ", items)}]";

    public ImmutableArray<T> ToImmutableArray() => items;

    public IEnumerator<T> GetEnumerator() => ((IEnumerable<T>)items).GetEnumerator();
    IEnumerator IEnumerable.GetEnumerator() => GetEnumerator();
}

/// <summary>Builds <see cref="ValueList{T}"/>s from collection expressions: <c>ValueList&lt;int&gt; sizes = [256, 128];</c></summary>
public static class ValueList
{
    public static ValueList<T> Create<T>(ReadOnlySpan<T> items) => new(items.ToArray());
}
