const ESCAPES: Readonly<Record<string, string>> = {
  '&': '&amp;',
  '<': '&lt;',
  '>': '&gt;',
  '"': '&quot;',
};

/**
 * `value` safe inside an XML element or a double-quoted attribute. The apostrophe is left as it is
 * (the files never quote attributes with it): "O'Brien" stays readable to a person opening the file.
 */
export function escapeXml(value: string): string {
  return value.replace(/[&<>"]/g, (character) => ESCAPES[character] ?? character);
}
