using System.Globalization;

namespace Keel.Tracking.Filters;

/// <summary>
/// Parses the run filter language:
/// <c>expr := and ('or' and)*; and := unary ('and' unary)*; unary := 'not' unary | '(' expr ')' | field op literal</c>,
/// where op is one of = == != &lt;&gt; &lt; &lt;= &gt; &gt;= and a literal is a number or a quoted string.
/// </summary>
public static class FilterParser
{
    public static RunFilter Parse(string expression)
    {
        ArgumentNullException.ThrowIfNull(expression);
        var tokens = FilterLexer.Tokenize(expression);
        var parser = new State(expression, tokens);
        var result = parser.Or();
        var next = parser.Peek;
        if (next.Kind != FilterTokenKind.End)
            throw parser.Error($"expected 'and', 'or' or the end of the filter, found '{next.Text}'", next);
        return result;
    }

    private sealed class State(string expression, List<FilterToken> tokens)
    {
        private int _position;

        public FilterToken Peek => tokens[_position];

        public RunFilter Or()
        {
            var left = And();
            while (IsKeyword(Peek, "or"))
            {
                _position++;
                left = new RunFilterOr(left, And());
            }
            return left;
        }

        private RunFilter And()
        {
            var left = Unary();
            while (IsKeyword(Peek, "and"))
            {
                _position++;
                left = new RunFilterAnd(left, Unary());
            }
            return left;
        }

        private RunFilter Unary()
        {
            var t = Peek;
            if (IsKeyword(t, "not"))
            {
                _position++;
                return new RunFilterNot(Unary());
            }
            if (t.Kind == FilterTokenKind.Open)
            {
                _position++;
                var inner = Or();
                if (Peek.Kind != FilterTokenKind.Close) throw Error($"expected ')' to close the '(' at column {t.Column}, found {Describe(Peek)}", Peek);
                _position++;
                return inner;
            }
            return Comparison();
        }

        private RunFilterComparison Comparison()
        {
            var t = Peek;
            if (t.Kind != FilterTokenKind.Word)
                throw Error($"expected a field such as metrics.auc, params.trainer, tags.team or status, found {Describe(t)}", t);
            var field = RunField.TryParse(t.Text)
                ?? throw Error($"unknown field '{t.Text}': use metrics.KEY, params.KEY, tags.KEY or one of {string.Join(", ", RunField.Attributes)}", t);
            _position++;
            var opToken = Peek;
            if (opToken.Kind != FilterTokenKind.Operator)
                throw Error($"expected a comparison (=, !=, <, <=, >, >=) after '{t.Text}', found {Describe(opToken)}", opToken);
            var op = opToken.Text switch
            {
                "=" or "==" => CompareOp.Equal,
                "!=" or "<>" => CompareOp.NotEqual,
                "<" => CompareOp.Less,
                "<=" => CompareOp.LessOrEqual,
                ">" => CompareOp.Greater,
                _ => CompareOp.GreaterOrEqual,
            };
            _position++;
            var v = Peek;
            object value = v.Kind switch
            {
                FilterTokenKind.Number => double.Parse(v.Text, NumberStyles.Float, CultureInfo.InvariantCulture),
                FilterTokenKind.String => v.Text,
                _ => throw Error($"expected a number or a quoted string after '{opToken.Text}', found {Describe(v)}", v),
            };
            _position++;
            if (field.Scope == FieldScope.Metric && value is string)
                throw Error($"metrics are numbers: compare {field} with a number, not a string", v);
            return new RunFilterComparison(field, op, value);
        }

        public FilterSyntaxException Error(string problem, FilterToken at) => new(problem, expression, at.Column);

        private static bool IsKeyword(FilterToken t, string keyword) =>
            t.Kind == FilterTokenKind.Word && string.Equals(t.Text, keyword, StringComparison.OrdinalIgnoreCase);

        private static string Describe(FilterToken t) => t.Kind == FilterTokenKind.End ? "the end of the filter" : $"'{t.Text}'";
    }
}
