namespace Keel.Tracking.Filters;

/// <summary>A token and its 1-based column in the expression.</summary>
internal readonly record struct FilterToken(FilterTokenKind Kind, string Text, int Column);
