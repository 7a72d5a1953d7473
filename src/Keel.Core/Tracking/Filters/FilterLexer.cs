using System.Text;

namespace Keel.Tracking.Filters;

internal static class FilterLexer
{
    public static List<FilterToken> Tokenize(string s)
    {
        var tokens = new List<FilterToken>();
        var i = 0;
        while (i < s.Length)
        {
            var c = s[i];
            var column = i + 1;
            if (char.IsWhiteSpace(c))
            {
                i++;
            }
            else if (c == '(' || c == ')')
            {
                tokens.Add(new FilterToken(c == '(' ? FilterTokenKind.Open : FilterTokenKind.Close, c.ToString(), column));
                i++;
            }
            else if (c is '=' or '!' or '<' or '>')
            {
                var two = i + 1 < s.Length ? s.Substring(i, 2) : null;
                if (two is "==" or "!=" or "<=" or ">=" or "<>")
                {
                    tokens.Add(new FilterToken(FilterTokenKind.Operator, two, column));
                    i += 2;
                }
                else if (c == '!')
                {
                    throw new FilterSyntaxException("'!' must be followed by '=' (use != or 'not')", s, column);
                }
                else
                {
                    tokens.Add(new FilterToken(FilterTokenKind.Operator, c.ToString(), column));
                    i++;
                }
            }
            else if (c is '\'' or '"')
            {
                var text = new StringBuilder();
                var j = i + 1;
                while (true)
                {
                    if (j >= s.Length) throw new FilterSyntaxException($"unterminated string: add the closing {c}", s, column);
                    if (s[j] == c)
                    {
                        if (j + 1 < s.Length && s[j + 1] == c)
                        {
                            text.Append(c);
                            j += 2;
                            continue;
                        }
                        break;
                    }
                    text.Append(s[j++]);
                }
                tokens.Add(new FilterToken(FilterTokenKind.String, text.ToString(), column));
                i = j + 1;
            }
            else if (char.IsAsciiDigit(c) || ((c is '-' or '+' or '.') && i + 1 < s.Length && (char.IsAsciiDigit(s[i + 1]) || s[i + 1] == '.')))
            {
                var j = i + 1;
                while (j < s.Length && (char.IsAsciiDigit(s[j]) || s[j] is '.' or 'e' or 'E' || ((s[j] is '-' or '+') && s[j - 1] is 'e' or 'E'))) j++;
                var text = s[i..j];
                if (!double.TryParse(text, System.Globalization.NumberStyles.Float, System.Globalization.CultureInfo.InvariantCulture, out _))
                    throw new FilterSyntaxException($"'{text}' is not a number", s, column);
                tokens.Add(new FilterToken(FilterTokenKind.Number, text, column));
                i = j;
            }
            else if (char.IsAsciiLetter(c) || c == '_')
            {
                var j = i + 1;
                while (j < s.Length && (char.IsAsciiLetterOrDigit(s[j]) || s[j] is '_' or '.' or '-' or '/')) j++;
                tokens.Add(new FilterToken(FilterTokenKind.Word, s[i..j], column));
                i = j;
            }
            else
            {
                throw new FilterSyntaxException($"unexpected character '{c}'", s, column);
            }
        }
        tokens.Add(new FilterToken(FilterTokenKind.End, "", s.Length + 1));
        return tokens;
    }
}
