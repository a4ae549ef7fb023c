// Preloaded (`node --require`) into an action process under test: replaces the trivy pin with the
// double seeded by seedPinnedTrivy (see pinned-trivy.ts). Production never loads this file.
import { TOOL_PINS, type PinnedTool, type ToolPin } from '../../src/tools/pins';
import { DOUBLE_PIN_ENV, type PinDouble } from './pinned-trivy';

const raw = process.env[DOUBLE_PIN_ENV];
if (raw) {
  const pin = JSON.parse(raw) as PinDouble;
  const key = `${process.platform}-${process.arch}`;
  (TOOL_PINS as Record<PinnedTool, ToolPin>).trivy = {
    version: pin.version,
    urlPattern: 'http://127.0.0.1:9/{asset}', // never fetched: the tool cache holds it
    assets: { [key]: pin.assetName },
    sha256: { [key]: pin.sha256 },
    verified: true,
  };
}
