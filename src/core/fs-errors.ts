/**
 * File-system failures in words. Messages name the path and what is wrong with it, never the raw
 * errno text (`ENOTDIR: not a directory, open ...`), which reads as a crash.
 */
const FS_PROBLEMS: Record<string, string> = {
  ENOENT: 'it does not exist',
  ENOTDIR: 'a file is in the way where a directory belongs',
  EISDIR: 'a directory is where a file belongs',
  ENAMETOOLONG: 'the path is too long for the file system',
  EEXIST: 'something that is not a directory is in the way',
  EACCES: 'permission denied',
  EPERM: 'operation not permitted',
  ELOOP: 'too many symbolic links',
  EROFS: 'the file system is read-only',
  ENOSPC: 'no space left on the device',
  EMLINK: 'too many links',
  EINVAL: 'the path is not valid here',
};

/** What went wrong, in words, when `err` is an errno failure of a known kind; else undefined. */
export function fsReason(err: unknown): string | undefined {
  const code = (err as NodeJS.ErrnoException | undefined)?.code;
  return typeof code === 'string' ? FS_PROBLEMS[code] : undefined;
}
