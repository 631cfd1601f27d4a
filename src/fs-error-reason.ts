/**
 * What went wrong with a file, in words a person reads, with Node's code kept for searching:
 * "it is a file, not a folder (EEXIST)" rather than E_INTERNAL and "EEXIST: file already exists,
 * mkdir ...". The caller says which file and what it was doing.
 */
/** The same words for a folder being created: mkdir says EEXIST when a file is in the way. */
export const MKDIR_REASONS: Readonly<Record<string, string>> = { EEXIST: 'it is a file, not a folder' };

const REASONS: Readonly<Record<string, string>> = {
  ENOENT: 'no such file or folder',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ENOTDIR: 'a part of the path is a file, not a folder',
  EISDIR: 'it is a folder, not a file',
  EEXIST: 'it already exists',
  ENOTEMPTY: 'the folder is not empty',
  ENOSPC: 'no space left on the device',
  EDQUOT: 'disk quota exceeded',
  EROFS: 'the file system is read-only',
  ENAMETOOLONG: 'the name is too long',
  ELOOP: 'too many symbolic links (a loop?)',
  EMFILE: 'too many open files',
  EIO: 'input/output error from the device',
};

/**
 * `error`'s reason, e.g. "permission denied (EACCES)"; the message of an error without a code.
 * `context` words a code for one operation: mkdir's EEXIST means a file is where the folder goes.
 */
export function fsErrorReason(error: unknown, context: Readonly<Record<string, string>> = {}): string {
  const code = (error as NodeJS.ErrnoException | undefined)?.code;
  if (typeof code === 'string') return `${context[code] ?? REASONS[code] ?? 'cannot use it'} (${code})`;
  return error instanceof Error ? error.message : String(error);
}

/** True for a Node filesystem error (it has an errno code such as ENOENT), not a bug of ours. */
export function isFsError(error: unknown): error is NodeJS.ErrnoException {
  return error instanceof Error && typeof (error as NodeJS.ErrnoException).code === 'string' && typeof (error as NodeJS.ErrnoException).syscall === 'string';
}
