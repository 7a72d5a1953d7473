namespace Keel.Objects;

/// <summary>A file changed between being hashed and being stored; the caller retries or refuses.</summary>
internal sealed class FileChangedException : Exception
{
    public FileChangedException()
        : base("the file changed while it was being stored")
    {
    }
}
