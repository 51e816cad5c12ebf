// Why a service's `working_dir` cannot be used, said before spawning (issue 15). Otherwise
// spawn reports only `spawn bash ENOENT` for a missing folder (naming bash, not the folder),
// and ELOOP or EACCES the same way, so the operator looks for the wrong cause.
import { constants } from 'node:fs';
import { access, stat } from 'node:fs/promises';

export async function workingDirProblem(dir: string): Promise<string | null> {
  try {
    const info = await stat(dir);
    if (!info.isDirectory()) return `working_dir ${dir} is not a folder`;
    // Entering a folder needs search (x) permission on it.
    await access(dir, constants.X_OK);
    return null;
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    switch (code) {
      case 'ENOENT':
        return `working_dir ${dir} does not exist`;
      case 'ENOTDIR':
        return `working_dir ${dir}: a part of the path is not a folder`;
      case 'ELOOP':
        return `working_dir ${dir}: too many levels of symbolic links (a link loop)`;
      case 'EACCES':
      case 'EPERM':
        return `working_dir ${dir} cannot be entered: permission denied`;
      case 'ENAMETOOLONG':
        return `working_dir ${dir}: the path is too long`;
      default:
        return `working_dir ${dir} cannot be used: ${(error as Error).message}`;
    }
  }
}
