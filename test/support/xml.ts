import { expect } from 'chai';

/**
 * A strict well-formedness check for the XML we generate (SVG, XHTML-style HTML bodies): every tag closes in order,
 * attributes are quoted, entities are known. Enough to catch broken markup without an XML dependency.
 */
export function assertWellFormedXml(text: string, what: string): void {
  const stack: string[] = [];
  const tag = /<(\/?)([a-zA-Z][\w:-]*)((?:\s+[\w:-]+="[^"]*")*)\s*(\/?)>|<!--[\s\S]*?-->|<!doctype[^>]*>/gi;
  let last = 0;
  let m: RegExpExecArray | null;
  const voidTags = new Set(['br', 'meta', 'link', 'img', 'hr', 'input']);
  while ((m = tag.exec(text))) {
    const between = text.slice(last, m.index);
    expect(between, `${what}: stray '<' before offset ${m.index}`).to.not.include('<');
    expect(between.replace(/&(amp|lt|gt|quot|#39|#\d+);/g, ''), `${what}: bare '&' before offset ${m.index}`).to.not.include('&');
    last = tag.lastIndex;
    if (!m[2]) continue; // comment or doctype
    const name = m[2].toLowerCase();
    if (m[1]) {
      expect(stack.pop(), `${what}: </${name}> at offset ${m.index} closes the wrong element`).to.equal(name);
    } else if (!m[4] && !voidTags.has(name)) {
      stack.push(name);
    }
  }
  expect(text.slice(last), `${what}: trailing text has a stray '<'`).to.not.include('<');
  expect(stack, `${what}: unclosed elements`).to.deep.equal([]);
}
