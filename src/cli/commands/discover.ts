import type { Command } from '../command';
import { UserError } from '../../core/errors';

// Placeholder; implemented in the discover module (issue 2).
export const discoverCommand: Command = {
  summary: 'list signatures, attestations and SBOMs attached to an image',
  async run() {
    throw new UserError('discover is not implemented yet');
  },
};
