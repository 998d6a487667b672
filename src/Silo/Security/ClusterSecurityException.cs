namespace AeGrid.Silo.Security;

/// <summary>A TLS or secret setting that is missing, contradictory or unreadable; the message is one line naming the
/// option (or variable) and file. Processes exit with 2 (bad input) on it.</summary>
public sealed class ClusterSecurityException(string message, Exception? inner = null) : Exception(message, inner);
