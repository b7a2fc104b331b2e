/** An Action Module for the end-to-end test: shared code that Actions require as "actions:greeting". */
export function greeting(name: string): string {
  return `Hello, ${name}`;
}
