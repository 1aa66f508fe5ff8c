/**
 * A mail's HTML, shown inside the app without trusting it: parsed into an inert <template> (which
 * runs no script and loads nothing), then rebuilt as React elements from an allowlist of tags. No
 * attribute survives but a link's address, and only to the web or a mail address; styles, scripts,
 * images, forms and frames are dropped. The page's CSP stays as strict as everywhere else.
 */
import { createElement, type ReactNode } from 'react';

/** Tags kept as they are. */
const KEPT = new Set(['p', 'br', 'strong', 'b', 'em', 'i', 'u', 's', 'small', 'code', 'pre', 'blockquote', 'ul', 'ol', 'li', 'hr', 'table', 'thead', 'tbody', 'tfoot', 'tr', 'td', 'th', 'caption', 'span', 'div', 'section', 'article', 'header', 'footer', 'dl', 'dt', 'dd', 'sub', 'sup']);

/** A mail's headings would break the page's outline: they become strong paragraphs. */
const HEADINGS = new Set(['h1', 'h2', 'h3', 'h4', 'h5', 'h6']);

/** Dropped with everything inside them. */
const DROPPED = new Set(['script', 'style', 'head', 'title', 'meta', 'link', 'iframe', 'frame', 'frameset', 'object', 'embed', 'form', 'input', 'button', 'select', 'textarea', 'template', 'svg', 'math', 'noscript', 'audio', 'video', 'canvas']);

/** Where only elements may stand: whitespace between the rows is not content. */
const TABLE_PARTS = new Set(['table', 'thead', 'tbody', 'tfoot', 'tr', 'ul', 'ol', 'dl']);

const SAFE_HREF = /^(https?:|mailto:)/i;

function safeHref(href: string | null): string | null {
  if (!href) return null;
  const trimmed = href.trim();
  return SAFE_HREF.test(trimmed) ? trimmed : null;
}

function convert(node: Node, key: string): ReactNode {
  if (node.nodeType === Node.TEXT_NODE) return node.textContent;
  if (node.nodeType !== Node.ELEMENT_NODE) return null;
  const element = node as Element;
  const tag = element.tagName.toLowerCase();
  if (DROPPED.has(tag)) return null;
  const childNodes = Array.from(element.childNodes).filter((child) => !(TABLE_PARTS.has(tag) && child.nodeType === Node.TEXT_NODE && !child.textContent?.trim()));
  const children = childNodes.map((child, index) => convert(child, `${key}.${index}`));
  if (tag === 'a') {
    const href = safeHref(element.getAttribute('href'));
    return href ? createElement('a', { key, href, target: '_blank', rel: 'noopener noreferrer' }, ...children) : createElement('span', { key }, ...children);
  }
  if (tag === 'img') {
    const alt = element.getAttribute('alt')?.trim();
    return alt ? `[${alt}]` : null;
  }
  if (HEADINGS.has(tag)) return createElement('p', { key }, createElement('strong', null, ...children));
  if (tag === 'br' || tag === 'hr') return createElement(tag, { key });
  if (KEPT.has(tag)) return createElement(tag, { key }, ...children);
  // Anything else (html, body, font, center, ...) keeps only its content.
  return children.length === 0 ? null : createElement('span', { key }, ...children);
}

const STYLE_ELEMENT = /<style\b[^>]*>[\s\S]*?<\/style\s*>/gi;
const STYLE_ATTRIBUTE = /(<[a-z][^>]*?)\sstyle\s*=\s*(?:"[^"]*"|'[^']*'|[^\s"'>]+)/gi;

/**
 * Takes styles out before the browser parses the mail: merely parsing a style attribute counts as
 * applying it under the page's CSP (style-src 'self'), which the browser refuses and reports. The
 * allowlist below is what keeps the page safe; this only keeps the console quiet.
 */
function withoutStyles(html: string): string {
  let current = html.replace(STYLE_ELEMENT, '');
  for (;;) {
    const next = current.replace(STYLE_ATTRIBUTE, '$1');
    if (next === current) return next;
    current = next;
  }
}

/** The mail's HTML as safe React elements. */
export function sanitizedMailHtml(html: string): ReactNode {
  const template = document.createElement('template');
  template.innerHTML = withoutStyles(html);
  const body = template.content.querySelector('body') ?? template.content;
  return Array.from(body.childNodes, (child, index) => convert(child, String(index)));
}
