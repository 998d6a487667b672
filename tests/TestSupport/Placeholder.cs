namespace AeGrid.TestSupport; internal static class Placeholder { }
