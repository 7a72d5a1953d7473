namespace Keel.Registry;

/// <summary>The type of one input field, as a request carries it.</summary>
public enum FieldType
{
    /// <summary>A number (JSON number); NaN only when training data had missing values there.</summary>
    Number,

    /// <summary>A category or free text (JSON string).</summary>
    Text,

    /// <summary>true or false.</summary>
    Boolean,
}
