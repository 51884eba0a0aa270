import { SaxesParser } from 'saxes';

// A namespace-aware view of a generated document, so tests ask "which elements in the dc namespace
// does this item have" the way a consumer would, not by matching our own strings.

export interface XmlNode {
  uri: string;
  local: string;
  attributes: Record<string, string>;
  children: XmlNode[];
  text: string;
}

export function parseXmlTree(xml: string): XmlNode {
  const parser = new SaxesParser({ xmlns: true });
  const stack: XmlNode[] = [];
  let root: XmlNode | undefined;
  parser.on('opentag', (tag) => {
    const attributes: Record<string, string> = {};
    for (const attribute of Object.values(tag.attributes))
      if (attribute.prefix !== 'xmlns' && attribute.name !== 'xmlns') attributes[attribute.name] = attribute.value;
    const node: XmlNode = { uri: tag.uri, local: tag.local, attributes, children: [], text: '' };
    stack.at(-1)?.children.push(node);
    root ??= node;
    stack.push(node);
  });
  parser.on('text', (text) => {
    const top = stack.at(-1);
    if (top) top.text += text;
  });
  parser.on('closetag', () => void stack.pop());
  parser.write(xml).close();
  if (root === undefined) throw new Error('no root element');
  return root;
}

export function childrenNamed(node: XmlNode, uri: string, local: string): XmlNode[] {
  return node.children.filter((c) => c.uri === uri && c.local === local);
}

export function childNamed(node: XmlNode, uri: string, local: string): XmlNode {
  const found = childrenNamed(node, uri, local);
  if (found.length !== 1) throw new Error(`expected one {${uri}}${local} in <${node.local}>, found ${found.length}`);
  return found[0]!;
}

export const NS = {
  none: '',
  atom: 'http://www.w3.org/2005/Atom',
  dc: 'http://purl.org/dc/elements/1.1/',
  dcterms: 'http://purl.org/dc/terms/',
} as const;
