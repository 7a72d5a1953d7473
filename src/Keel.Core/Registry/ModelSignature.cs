namespace Keel.Registry;

/// <summary>The inputs a model takes and the outputs it gives, with what training data showed.</summary>
public sealed record ModelSignature(IReadOnlyList<SignatureField> Inputs, IReadOnlyList<string> Outputs, long TrainingRows)
{
    public SignatureField? Field(string name)
    {
        foreach (var f in Inputs) if (f.Name == name) return f;
        return null;
    }
}
