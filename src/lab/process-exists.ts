/**
 * Whether a process with this pid exists (signal 0): EPERM means it does, under another user.
 * Run ownership (registries, container labels, the watchdog) is decided by this.
 */
export function processExists(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (error) {
    return (error as NodeJS.ErrnoException).code === 'EPERM';
  }
}
