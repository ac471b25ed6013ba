using System.Runtime.InteropServices;

namespace Lakehouse.Tests.Support;

/// <summary>
/// Holds a write lock on a file the way another process would. DuckDB locks its file with POSIX record locks,
/// which never conflict within one process; an open-file-description lock (F_OFD_SETLK) does conflict with them,
/// even from the same process, so a test can play "another process holds the database" without starting one.
/// Linux x86-64/arm64 only (the layout of <c>struct flock</c> below is glibc's for 64-bit Linux).
/// </summary>
internal sealed class ForeignFileLock : IDisposable
{
    private const int OfdSetLock = 37;
    private const short WriteLock = 1;
    private readonly FileStream file;

    public ForeignFileLock(string path)
    {
        file = new FileStream(path, FileMode.Open, FileAccess.ReadWrite, FileShare.ReadWrite);
        var request = new FileLockRequest { Type = WriteLock };
        if (SetLock((int)file.SafeFileHandle.DangerousGetHandle(), OfdSetLock, ref request) != 0)
        {
            file.Dispose();
            throw new IOException($"Could not take an OFD lock on {path} (errno {Marshal.GetLastPInvokeError()}).");
        }
    }

    public void Dispose() => file.Dispose();

    // DllImport, not LibraryImport: the source-generated form needs unsafe code, which the test project does not allow.
    [DllImport("libc", EntryPoint = "fcntl", SetLastError = true)]
    private static extern int SetLock(int fd, int command, ref FileLockRequest request);

    [StructLayout(LayoutKind.Sequential)]
    private struct FileLockRequest
    {
        public short Type;
        public short Whence;
        public long Start;
        public long Length;
        public int ProcessId;
    }
}
