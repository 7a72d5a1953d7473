namespace Keel.Objects; internal static class Placeholder { }
