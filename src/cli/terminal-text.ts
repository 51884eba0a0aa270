// What regwatch prints comes from pages and stored data, and a terminal obeys control characters: an
// ESC sequence in a reference can clear the screen, retitle the window or hide the lines around it
// (issue 8). Printed text shows each one as a visible escape instead: ESC → `\x1b`.

const CONTROL = /[\u0000-\u001f\u007f-\u009f]/g;

export function visibleControls(text: string): string {
  return text.replace(CONTROL, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
}

/**
 * JSON for a terminal: JSON.stringify escapes C0 controls but writes DEL and C1 as they are; the
 * \u escape is the same string to any JSON reader.
 */
export function jsonForTerminal(value: unknown): string {
  return JSON.stringify(value, null, 2).replace(/[\u007f-\u009f]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`);
}
