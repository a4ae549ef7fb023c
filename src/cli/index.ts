#!/usr/bin/env node
import { main } from './main';

main(process.argv.slice(2)).then(
  (code) => process.exit(code),
  // main() never rejects; this is a last guard so no stack trace ever reaches a user.
  () => process.exit(1),
);
