/**
 * Waits for `work` unless `urgent` aborts first (a second Ctrl-C): then it stops waiting and
 * leaves `work` to finish or fail on its own, unobserved. Errors of `work` still propagate when
 * it settles first.
 */
export async function untilUrgent<T>(work: Promise<T> | undefined, urgent: AbortSignal | undefined): Promise<T | undefined> {
  if (!work) return undefined;
  if (!urgent) return work;
  if (urgent.aborted) {
    work.catch(() => undefined);
    return undefined;
  }
  let onUrgent: (() => void) | undefined;
  const stopped = new Promise<undefined>((resolve) => {
    onUrgent = () => resolve(undefined);
    urgent.addEventListener('abort', onUrgent, { once: true });
  });
  try {
    return await Promise.race([work, stopped]);
  } finally {
    work.catch(() => undefined);
    if (onUrgent) urgent.removeEventListener('abort', onUrgent);
  }
}
