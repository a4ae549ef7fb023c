import { inertText } from './untrusted-text';

// Markdown for job summaries: the one place that escapes text for it. Every value is first made
// inert (inertText), then its markdown and HTML meaning taken away, so a package name, a reason
// or a registry's message cannot add links, images, HTML or table cells to a summary.

const MD_SPECIAL = /[\\`*_{}[\]<>&|~!#]/g;
const HTML_ENTITIES: Record<string, string> = { '<': '&lt;', '>': '&gt;', '&': '&amp;' };

/** Plain text inside a paragraph, list item or table cell. */
export function mdText(text: string, max = 300): string {
  const s = defuseAutolinks(inertText(text, { max }).replace(MD_SPECIAL, (c) => HTML_ENTITIES[c] ?? `\\${c}`));
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

// GitHub turns @name into a mention (a notification), #123 and owner/repo#123 into references,
// and bare URLs, www. hosts and e-mail addresses into links, all after markdown, on the text
// itself: escaping does not stop them. A zero-width space (as an entity, so the source shows it)
// after `@`, after `#`, before `:` and inside `www.` breaks each pattern and still reads the same.
const ZWSP = '&#8203;';

function defuseAutolinks(s: string): string {
  return s
    .replace(/@/g, `@${ZWSP}`)
    .replace(/\\#/g, `\\#${ZWSP}`)
    .replace(/:/g, `${ZWSP}:`)
    .replace(/(w)(ww\.)/gi, `$1${ZWSP}$2`);
}
