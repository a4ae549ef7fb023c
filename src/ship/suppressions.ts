import { readFile } from 'node:fs/promises';
import * as path from 'node:path';
import { UserError } from '../core/errors';
import { parseIgnoreFile, parseVex, type Suppressions } from '../scan/suppressions';
import type { ShipInputs } from './inputs';

/** The ignore-file and vex inputs, read once (relative to `cwd`) and parsed; `{}` when neither is given. */
export async function loadSuppressions(inputs: Pick<ShipInputs, 'ignoreFile' | 'vex'>, cwd: string, now: Date = new Date()): Promise<Suppressions> {
  const read = async (file: string, what: string) => {
    try {
      return await readFile(path.resolve(cwd, file), 'utf8');
    } catch (err) {
      throw new UserError(`${what} '${file}' cannot be read (${(err as NodeJS.ErrnoException).code ?? 'error'}); give the path of the file`);
    }
  };
  const out: Suppressions = {};
  if (inputs.ignoreFile) out.ignoreFile = parseIgnoreFile(await read(inputs.ignoreFile, 'ignore-file'), now, `ignore-file '${inputs.ignoreFile}'`);
  if (inputs.vex) out.vex = parseVex(await read(inputs.vex, 'vex'), `vex '${inputs.vex}'`);
  return out;
}
