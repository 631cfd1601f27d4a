/**
 * `mtls-chaos list | head -1`: the reader closes the pipe, the next write fails with EPIPE and,
 * with no 'error' listener, Node throws it as an uncaught exception (a stack trace, exit 1). The
 * reader leaving is not a failure of the command: later writes to the destroyed stream are
 * dropped and the command finishes its own work (a run still heals its faults and writes its
 * reports) and exits with its own code. Any other error of the stream is re-thrown as before.
 */
export function ignoreClosedOutput(stream: NodeJS.WriteStream): void {
  stream.on('error', (error: NodeJS.ErrnoException) => {
    if (error.code === 'EPIPE' || error.code === 'ERR_STREAM_DESTROYED') return;
    throw error;
  });
}
