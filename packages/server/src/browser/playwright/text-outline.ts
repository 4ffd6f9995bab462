/**
 * Runs INSIDE the page (passed to `observePage` through `pageFactoryOf`): DOM APIs only.
 * The observation's text outline: every text node a person sees, attributed to its nearest block
 * (heading, paragraph, list item, table row) or, outside blocks, to its nearest container, one
 * line each; text that only labels a link or button is left to the element list.
 */

import type { PageDom } from './page-dom.ts';
import type { VisibilityProbe } from './visibility-probe.ts';

export interface TextOutline {
  /** The outline of `docs` in order, within `budget` characters; `shadowHosts` are read where they sit. */
  read(docs: readonly Document[], shadowHosts: ReadonlySet<Element>, budget: number): { text: string; textCut: boolean };
}

export function createTextOutline(probe: VisibilityProbe, dom: PageDom): TextOutline {
  const BLOCKS = 'h1,h2,h3,h4,h5,h6,p,li,tr,pre,blockquote,dt,dd,figcaption,caption,legend';
  const CONTAINERS = 'div,section,article,main,aside,header,footer,nav,form,td,th,label,fieldset,details,body';
  const INLINE_INTERACTIVE = 'a,button,select,option,textarea,summary,[role=button],[role=link],[role=option],[role=menuitem],[role=tab]';
  const { clean, cut, closestComposed } = dom;

  const read: TextOutline['read'] = (docs, shadowHosts, budget) => {
    type Line = { el: Element; kind: string; parts: string[]; cell: Element | null };
    const lines = new Map<Element, Line>();
    let collected = 0;
    let textCut = false;
    const collectLimit = budget * 2;
    const addText = (node: Node): boolean => {
      const parent = node.parentElement;
      if (parent === null || dom.holdsNoText(parent.tagName)) return true;
      const raw = node.textContent ?? '';
      const blank = raw.trim() === '';
      const block = closestComposed(parent, BLOCKS);
      if (block === null && closestComposed(parent, INLINE_INTERACTIVE) !== null) return true;
      const owner = block ?? closestComposed(parent, CONTAINERS);
      if (owner === null) return true;
      if (!blank && probe.textState(node as Text) !== 'shown') return true;
      let line = lines.get(owner);
      if (line === undefined) {
        if (blank) return true;
        line = { el: owner, kind: block === null ? 'text' : owner.tagName, parts: [], cell: null };
        lines.set(owner, line);
      }
      if (line.kind === 'TR') {
        const cell = closestComposed(parent, 'td,th');
        if (cell !== line.cell && line.parts.length > 0 && !blank) line.parts.push(' | ');
        if (!blank) line.cell = cell;
      }
      line.parts.push(blank ? ' ' : raw);
      collected += raw.length;
      if (collected > collectLimit) {
        textCut = true;
        return false;
      }
      return true;
    };
    // Text nodes in tree order; a shadow root's text is read where its host sits. Pages without
    // shadow roots take the cheaper text-only walk.
    const walkText = (root: Node, doc: Document): boolean => {
      const withHosts = shadowHosts.size > 0;
      const walker = doc.createTreeWalker(root, withHosts ? NodeFilter.SHOW_TEXT | NodeFilter.SHOW_ELEMENT : NodeFilter.SHOW_TEXT);
      for (let node = walker.nextNode(); node !== null; node = walker.nextNode()) {
        if (node.nodeType === 3) {
          if (!addText(node)) return false;
        } else if (shadowHosts.has(node as Element)) {
          if (!walkText((node as Element).shadowRoot!, doc)) return false;
        }
      }
      return true;
    };
    for (const doc of docs) {
      if (doc.body === null) continue;
      if (!walkText(doc.body, doc)) break;
    }
    const out: string[] = [];
    let used = 0;
    for (const line of lines.values()) {
      let text = clean(line.parts.join(''));
      if (text === '') continue;
      const level = /^H([1-6])$/.exec(line.kind);
      if (level) text = `${'#'.repeat(Number(level[1]))} ${text}`;
      else if (line.kind === 'LI') text = `- ${text}`;
      if (used + text.length + 1 > budget) {
        const room = budget - used - 1;
        if (room > 40) out.push(cut(text, room));
        textCut = true;
        break;
      }
      out.push(text);
      used += text.length + 1;
    }
    return { text: out.join('\n'), textCut };
  };
  return { read };
}
