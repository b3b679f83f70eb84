/** `clarion reviews` — not implemented yet. */
export async function run(_args: string[]): Promise<number> {
  process.stderr.write('clarion reviews: not implemented yet\n');
  return 2;
}
