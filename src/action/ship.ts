import * as core from '@actions/core';

// Thin shell: read inputs into a typed record, hand them to the core, write outputs.
async function run(): Promise<void> {
  core.setFailed('ship-image: the ship step is not implemented yet');
}

void run();
