import { inertText } from './untrusted-text';

// Markdown for job summaries: the one place that escapes text for it. Every value is first made
// inert (inertText), then its markdown and HTML meaning taken away, so a package name, a reason
// or a registry's message cannot add links, images, HTML or table cells to a summary.

const MD_SPECIAL = /[\\`*_{}[\]<>&|~!#]/g;
const HTML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** Plain text inside a paragraph, list item or table cell. */
export function mdText(text: string, max = 300): string {
  const s = inertText(text, { max }).replace(MD_SPECIAL, (c) => HTML_ENTITIES[c] ?? `\\${c}`);
  // A leading `-`, `+`, `=`, or `1.` would start a list or a heading underline.
  return s.replace(/^[-+=]/, '\\$&').replace(/^(\d+)([.)])/, '$1\\$2');
}

/** Inline code: backticks cannot close it early, `|` cannot split a table cell. */
export function mdCode(text: string, max = 300): string {
  const s = inertText(text, { max }).replace(/`/g, "'").replace(/\|/g, '\\|');
  return `\`${s}\``;
}

/** A link only for https URLs; anything else is shown as text. */
export function mdLink(label: string, url: string | undefined): string {
  if (!url || !/^https:\/\/[^\s()<>]+$/.test(url)) return mdText(label);
  return `[${mdText(label)}](${url.replace(/\|/g, '%7C')})`;
}
