using System.Text;
using System.Text.RegularExpressions;

namespace Keel.Core.Tests.Docs;

/// <summary>Every relative link in README.md and docs/*.md names a file that exists and, with '#', a heading (or an &lt;a id&gt;) in it.</summary>
public sealed partial class MarkdownLinkTests
{
    [Fact]
    public void Links_ReadmeAndDocs_EveryFileAndAnchorResolves()
    {
        string root = RepositoryRoot();
        string[] pages = [Path.Combine(root, "README.md"), .. Directory.GetFiles(Path.Combine(root, "docs"), "*.md").Order(StringComparer.Ordinal)];
        var anchors = new Dictionary<string, HashSet<string>>(StringComparer.Ordinal);
        var broken = new List<string>();
        foreach (string page in pages)
        {
            foreach (var (line, target) in Links(page))
            {
                if (SchemeLink().IsMatch(target))
                {
                    continue;
                }

                int hash = target.IndexOf('#', StringComparison.Ordinal);
                string file = hash < 0 ? target : target[..hash];
                string? fragment = hash < 0 ? null : target[(hash + 1)..];
                string resolved = file.Length == 0 ? page : Path.GetFullPath(Path.Combine(Path.GetDirectoryName(page)!, Uri.UnescapeDataString(file)));
                string where = $"{Path.GetRelativePath(root, page)}:{line}: ({target})";
                if (!File.Exists(resolved) && !Directory.Exists(resolved))
                {
                    broken.Add($"{where} no such file");
                }
                else if (fragment is not null && resolved.EndsWith(".md", StringComparison.Ordinal)
                    && !(anchors.TryGetValue(resolved, out var known) ? known : anchors[resolved] = Anchors(resolved)).Contains(fragment))
                {
                    broken.Add($"{where} no heading with that anchor");
                }
            }
        }

        Assert.True(broken.Count == 0, "broken links:\n" + string.Join('\n', broken));
    }

    [Theory]
    [InlineData("Limits (today)", "limits-today")]
    [InlineData("`keel quickstart [--dir DIR]`", "keel-quickstart---dir-dir")]
    [InlineData("Policy (`monitor:` in keel.yaml)", "policy-monitor-in-keelyaml")]
    [InlineData("What the quickstart does", "what-the-quickstart-does")]
    public void Slug_GitHubHeadings_MatchGitHubsAnchors(string heading, string anchor) => Assert.Equal(anchor, Slug(heading));

    // GitHub's rule: lower case; drop everything but letters, digits, '_', '-' and spaces; spaces become '-'.
    internal static string Slug(string heading)
    {
        var s = new StringBuilder();
        foreach (char c in heading.Trim().ToLowerInvariant())
        {
            if (char.IsLetterOrDigit(c) || c is '_' or '-') s.Append(c);
            else if (c == ' ') s.Append('-');
        }

        return s.ToString();
    }

    private static HashSet<string> Anchors(string page)
    {
        var anchors = new HashSet<string>(StringComparer.Ordinal);
        var seen = new Dictionary<string, int>(StringComparer.Ordinal);
        foreach (string line in Prose(page).Select(l => l.Text))
        {
            if (Heading().Match(line) is { Success: true } h)
            {
                string slug = Slug(h.Groups[1].Value);
                int n = seen.GetValueOrDefault(slug, -1) + 1;
                seen[slug] = n;
                anchors.Add(n == 0 ? slug : $"{slug}-{n}");
            }

            foreach (Match a in HtmlAnchor().Matches(line)) anchors.Add(a.Groups[1].Value);
        }

        return anchors;
    }

    private static IEnumerable<(int Line, string Target)> Links(string page)
    {
        foreach (var (number, text) in Prose(page))
        {
            foreach (Match m in Link().Matches(InlineCode().Replace(text, "")))
            {
                yield return (number, m.Groups[1].Value);
            }
        }
    }

    // Lines outside fenced code blocks.
    private static IEnumerable<(int Line, string Text)> Prose(string page)
    {
        bool fenced = false;
        int number = 0;
        foreach (string line in File.ReadLines(page))
        {
            number++;
            if (line.TrimStart().StartsWith("```", StringComparison.Ordinal))
            {
                fenced = !fenced;
                continue;
            }

            if (!fenced) yield return (number, line);
        }
    }

    private static string RepositoryRoot()
    {
        for (var dir = new DirectoryInfo(AppContext.BaseDirectory); dir is not null; dir = dir.Parent)
        {
            if (File.Exists(Path.Combine(dir.FullName, "Keel.slnx"))) return dir.FullName;
        }

        throw new InvalidOperationException("Keel.slnx not found above the test binaries");
    }

    [GeneratedRegex(@"\]\(([^)\s]+)(?:\s+""[^""]*"")?\)")]
    private static partial Regex Link();

    [GeneratedRegex(@"`[^`]*`")]
    private static partial Regex InlineCode();

    [GeneratedRegex(@"^#{1,6}\s+(.*?)\s*#*\s*$")]
    private static partial Regex Heading();

    [GeneratedRegex(@"<a\s+(?:id|name)=""([^""]+)""")]
    private static partial Regex HtmlAnchor();

    [GeneratedRegex(@"^[a-zA-Z][a-zA-Z0-9+.-]*:")]
    private static partial Regex SchemeLink();
}
