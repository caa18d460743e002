/**
 * The job variables a script can use: plain text, numbers and yes/no values
 * (`topic`, `city`, `date`); structured ones such as `frame` are for other
 * nodes. Sorted by name so the same job always gives the same prompt.
 */
export function scriptPromptVariables(variables: Record<string, unknown>): Array<[string, string]> {
  return Object.entries(variables)
    .filter((entry): entry is [string, string | number | boolean] => ['string', 'number', 'boolean'].includes(typeof entry[1]))
    .map(([name, value]): [string, string] => [name, String(value).trim()])
    .filter(([, value]) => value.length > 0)
    .sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0));
}

/** The prompt with `{{name}}` replaced by the variable's value; unknown names stay as written. */
export function fillPromptVariables(prompt: string, variables: Record<string, unknown>): string {
  const values = new Map(scriptPromptVariables(variables));
  return prompt.replace(/\{\{\s*([\w.-]+)\s*\}\}/g, (whole, name: string) => values.get(name) ?? whole);
}
