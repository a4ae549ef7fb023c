/**
 * The JSON documents in a text: one document, or JSON Lines of them (as `gh attestation
 * trusted-root` prints). Undefined when the text is neither.
 */
export function parseJsonDocuments(text: string): unknown[] | undefined {
  const trimmed = text.trim();
  try {
    return [JSON.parse(trimmed)];
  } catch {
    // not a single document: try JSON Lines
  }
  try {
    const lines = trimmed
      .split('\n')
      .map((line) => line.trim())
      .filter((line) => line.length > 0);
    return lines.length > 0 ? lines.map((line) => JSON.parse(line) as unknown) : undefined;
  } catch {
    return undefined;
  }
}
