// The tests check Unix file modes, inodes and stat(2); they run where Keel's CI runs.
[assembly: System.Runtime.Versioning.SupportedOSPlatform("linux")]
